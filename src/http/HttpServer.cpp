#include "http/HttpServer.h"

#include <sys/socket.h>

#include <stdexcept>

#include "http/JsonResponse.h"
#include "http/RequestId.h"
#include "http/TlsContext.h"
#include "observability/Log.h"

namespace infrasage::http {

namespace {

// httplib runs pre-routing, the handler, the error handler and the logger of one request on the
// same worker thread, one request at a time; this is that request's context.
thread_local RequestContext t_context;
thread_local bool t_context_active = false;

RequestContext& beginRequest(const Request& req) {
    t_context = RequestContext{};
    t_context_active = true;
    auto incoming = req.get_header_value("X-Request-Id");
    t_context.request_id = isAcceptableRequestId(incoming) ? incoming : generateRequestId();
    t_context.client_ip = req.remote_addr;
    return t_context;
}

RequestContext& currentContext(const Request& req) {
    return t_context_active ? t_context : beginRequest(req);
}

void setStandardHeaders(Response& res, const RequestContext& ctx, bool tls) {
    res.set_header("X-Request-Id", ctx.request_id);
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Cache-Control", "no-store");
    res.set_header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    if (tls) {
        res.set_header("Strict-Transport-Security", "max-age=31536000");
    }
}

// httplib routes by regex: `{name}` becomes one path segment, everything else is literal.
std::string routePattern(const std::string& path) {
    std::string pattern;
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (path[i] == '{') {
            i = path.find('}', i);
            if (i == std::string::npos) {
                throw std::invalid_argument("unterminated {param} in route " + path);
            }
            pattern += "([^/]+)";
            continue;
        }
        if (std::string_view(".+*?()[]{}|^$\\").find(path[i]) != std::string_view::npos) {
            pattern += '\\';
        }
        pattern += path[i];
    }
    return pattern;
}

std::string truncated(const std::string& s, std::size_t max) {
    return s.size() <= max ? s : s.substr(0, max);
}

}  // namespace

HttpServer::HttpServer(ServerOptions options, observability::Metrics& metrics)
    : options_(std::move(options)), metrics_(metrics) {
    if (options_.tls_enabled) {
        TlsSettings tls{options_.tls_cert, options_.tls_key, options_.mtls_enabled,
                        options_.mtls_client_ca};
        auto server = std::make_unique<httplib::SSLServer>(
            [tls](SSL_CTX& ctx) { return configureServerTls(ctx, tls); });
        if (!server->is_valid()) {
            throw std::runtime_error("TLS listener could not be configured (see log)");
        }
        server_ = std::move(server);
    } else {
        server_ = std::make_unique<httplib::Server>();
    }
    installPipeline();
}

HttpServer::~HttpServer() {
    stop();
}

void HttpServer::addFilter(std::shared_ptr<Filter> filter) {
    filters_.push_back(std::move(filter));
}

void HttpServer::addRoute(Route route) {
    routes_.push_back(std::make_unique<Route>(std::move(route)));
    const Route* r = routes_.back().get();
    const std::string pattern = routePattern(r->path);
    auto without_body = [this, r](const Request& req, Response& res) {
        dispatch(*r, req, res, nullptr);
    };
    // Routes with a body read it through a ContentReader: httplib's own limit covers only
    // Content-Length bodies, not chunked ones, and reading ourselves lets authentication run first.
    auto with_body = [this, r](const Request& req, Response& res,
                               const httplib::ContentReader& reader) {
        dispatch(*r, req, res, &reader);
    };
    if (r->method == "GET") {
        server_->Get(pattern, without_body);
    } else if (r->method == "DELETE") {
        server_->Delete(pattern, without_body);
    } else if (r->method == "POST") {
        server_->Post(pattern, with_body);
    } else if (r->method == "PUT") {
        server_->Put(pattern, with_body);
    } else if (r->method == "PATCH") {
        server_->Patch(pattern, with_body);
    } else {
        throw std::invalid_argument("unsupported method " + r->method);
    }
}

void HttpServer::readBody(const httplib::ContentReader& reader, const Request& req,
                          RequestContext& ctx) const {
    // A declared length over the limit is refused before reading a byte of it.
    bool too_large = false;
    if (req.has_header("Content-Length")) {
        auto declared = req.get_header_value("Content-Length");
        too_large = declared.size() > 19 || std::stoull("0" + declared) > options_.max_body_bytes;
    }
    bool complete = !too_large && reader([&](const char* data, std::size_t length) {
        if (ctx.body.size() + length > options_.max_body_bytes) {
            too_large = true;
            return false;
        }
        ctx.body.append(data, length);
        return true;
    });
    if (too_large) {
        throw ApiError(
            413, "payload_too_large",
            "request body exceeds " + std::to_string(options_.max_body_bytes) + " bytes");
    }
    if (!complete) {
        throw ApiError(400, "bad_request", "the request body could not be read");
    }
}

void HttpServer::dispatch(const Route& route, const Request& req, Response& res,
                          const httplib::ContentReader* reader) {
    auto& ctx = currentContext(req);
    ctx.route = route.path;
    try {
        for (const auto& filter : filters_) {
            filter->onRequest(route, req, ctx);
        }
        if (reader != nullptr) {
            readBody(*reader, req, ctx);
        }
        route.handler(req, res, ctx);
    } catch (const ApiError& e) {
        if (reader != nullptr && ctx.body.empty() && e.httpStatus() != 200) {
            // The body may be unread; the connection cannot be reused safely.
            res.set_header("Connection", "close");
        }
        ctx.error_code = e.code();
        writeError(res, e);
    } catch (const std::exception& e) {
        observability::logError(
            "handler failed",
            {{"request_id", ctx.request_id}, {"route", ctx.route}, {"error", e.what()}});
        writeError(res, 500, "internal_error", "internal error; see server log for request id");
    }
    notifyObserver(route, req, res, ctx);
}

void HttpServer::notifyObserver(const Route& route, const Request& req, Response& res,
                                const RequestContext& ctx) {
    if (!observer_) {
        return;
    }
    try {
        observer_->onComplete(route, req, res, ctx);
    } catch (const ApiError& e) {
        // The audit trail could not be made durable (local buffer full): do not answer success.
        writeError(res, e);
    } catch (const std::exception& e) {
        observability::logError("request observer failed",
                                {{"request_id", ctx.request_id}, {"error", e.what()}});
        writeError(res, 500, "internal_error", "internal error; see server log for request id");
    }
}

void HttpServer::installPipeline() {
    server_->set_tcp_nodelay(true);  // without it keep-alive throughput collapses (Nagle)
    server_->new_task_queue = [workers = options_.workers] {
        return new httplib::ThreadPool(workers);
    };
    server_->set_payload_max_length(options_.max_body_bytes);
    server_->set_read_timeout(static_cast<time_t>(options_.read_timeout_seconds), 0);
    server_->set_write_timeout(static_cast<time_t>(options_.read_timeout_seconds), 0);
    server_->set_keep_alive_timeout(static_cast<time_t>(options_.idle_timeout_seconds));
    server_->set_keep_alive_max_count(100000);
    server_->set_socket_options([this](int fd) {
        int yes = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        listen_fd_ = fd;
    });

    const bool tls = options_.tls_enabled;
    server_->set_pre_routing_handler([tls](const Request& req, Response& res) {
        setStandardHeaders(res, beginRequest(req), tls);
        return httplib::Server::HandlerResponse::Unhandled;
    });
    server_->set_error_handler(
        httplib::Server::HandlerWithResponse([tls](const Request& req, Response& res) {
            auto& ctx = currentContext(req);
            if (!res.has_header("X-Request-Id")) {
                setStandardHeaders(res, ctx, tls);
            }
            if (res.body.empty()) {
                auto code = defaultErrorCode(res.status);
                writeError(res, res.status, code,
                           res.status == 413 ? "request body exceeds the size limit" : code);
            }
            return httplib::Server::HandlerResponse::Handled;
        }));
    server_->set_logger([this](const Request& req, const Response& res) {
        auto& ctx = currentContext(req);
        auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - ctx.start);
        metrics_.observeRequest(ctx.route, req.method, res.status, elapsed);
        nlohmann::json line{{"request_id", ctx.request_id},
                            {"method", req.method},
                            {"route", ctx.route},
                            {"path", truncated(req.path, 256)},
                            {"status", res.status},
                            {"duration_ms", elapsed.count() * 1000.0},
                            {"bytes_in", ctx.body.empty() ? req.body.size() : ctx.body.size()},
                            {"bytes_out", res.body.size()},
                            {"client_ip", ctx.client_ip},
                            {"user_agent", truncated(req.get_header_value("User-Agent"), 256)}};
        if (ctx.principal) {
            line["tenant_id"] = ctx.principal->tenant_id;
            line["actor"] = ctx.principal->actor;
        }
        observability::logInfo("access", line);
        t_context_active = false;
    });
}

void HttpServer::bind() {
    if (options_.port == 0) {
        int port = server_->bind_to_any_port(options_.host);
        if (port <= 0) {
            throw std::runtime_error("cannot bind " + options_.host);
        }
        bound_port_ = static_cast<uint16_t>(port);
    } else {
        if (!server_->bind_to_port(options_.host, options_.port)) {
            throw std::runtime_error("cannot bind " + options_.host + ":" +
                                     std::to_string(options_.port));
        }
        bound_port_ = options_.port;
    }
    // httplib listens with a backlog of 5; a burst of new connections would be refused. Listening
    // again on the same socket only raises the backlog.
    if (listen_fd_ >= 0) {
        ::listen(listen_fd_, options_.listen_backlog);
    }
}

void HttpServer::serve() {
    server_->listen_after_bind();
}

void HttpServer::stop() {
    if (server_) {
        server_->stop();
    }
}

}  // namespace infrasage::http
