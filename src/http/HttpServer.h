// http/HttpServer: the listener. Wraps cpp-httplib with the limits a public endpoint needs — body
// size, header size (8 KiB per line, compiled into httplib), read and keep-alive idle timeouts, a
// fixed pool of worker threads — plus TLS 1.2+ and optional client certificates, request ids,
// security headers, JSON error bodies for errors httplib raises itself, structured access logs and
// request metrics. stop() stops accepting, lets in-flight requests finish, then serve() returns.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "http/Filter.h"
#include "http/RequestObserver.h"
#include "http/Route.h"
#include "observability/Metrics.h"

namespace infrasage::http {

struct ServerOptions {
    std::string host = "0.0.0.0";
    uint16_t port = 8080;  // 0: pick a free port (tests)
    bool tls_enabled = false;
    std::string tls_cert;
    std::string tls_key;
    bool mtls_enabled = false;
    std::string mtls_client_ca;
    unsigned workers = 64;
    unsigned read_timeout_seconds = 10;
    unsigned idle_timeout_seconds = 5;
    uint64_t max_body_bytes = 16ull << 20;
    int listen_backlog = 1024;
};

class HttpServer {
  public:
    HttpServer(ServerOptions options, observability::Metrics& metrics);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    void addFilter(std::shared_ptr<Filter> filter);
    void setObserver(std::shared_ptr<RequestObserver> observer) { observer_ = std::move(observer); }
    void addRoute(Route route);

    // Binds the listening socket; throws std::runtime_error when it cannot.
    void bind();
    uint16_t port() const { return bound_port_; }
    // Serves until stop(); returns after in-flight requests finished.
    void serve();
    void stop();

  private:
    void installPipeline();
    // Runs filters, reads the body (when `reader` is given), then the handler.
    void dispatch(const Route& route, const Request& req, Response& res,
                  const httplib::ContentReader* reader);
    void notifyObserver(const Route& route, const Request& req, Response& res,
                        const RequestContext& ctx);
    void readBody(const httplib::ContentReader& reader, const Request& req,
                  RequestContext& ctx) const;

    ServerOptions options_;
    observability::Metrics& metrics_;
    std::unique_ptr<httplib::Server> server_;
    std::vector<std::shared_ptr<Filter>> filters_;
    std::shared_ptr<RequestObserver> observer_;
    std::vector<std::unique_ptr<Route>> routes_;
    int listen_fd_ = -1;
    uint16_t bound_port_ = 0;
};

}  // namespace infrasage::http
