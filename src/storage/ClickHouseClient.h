// storage/ClickHouseClient: the only way the product talks to ClickHouse. Speaks ClickHouse's
// HTTP interface through libcurl with keep-alive connection reuse, credentials in headers (never in
// URLs, so they do not reach access logs), optional TLS with a private CA, timeouts, and retries
// with exponential backoff for statements that are safe to repeat.
// Depends on: common, observability (logs a warning per retried attempt).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>

namespace infrasage::storage {

struct ClickHouseOptions {
    std::string url = "http://127.0.0.1:8123";  // scheme://host:port
    std::string database = "infrasage";
    std::string user = "default";
    std::string password;
    bool tls_enabled = false;  // requires an https:// url
    std::string tls_ca_cert;   // PEM file with the CA that signed ClickHouse's certificate
    std::chrono::milliseconds connect_timeout{2000};
    std::chrono::milliseconds request_timeout{60000};
    int max_attempts = 4;                            // for retryable statements
    std::chrono::milliseconds initial_backoff{100};  // doubled per attempt
};

class ClickHouseError : public std::runtime_error {
  public:
    enum class Kind {
        Network,  // no HTTP answer: connection refused/reset/timeout. For inserts the outcome is
                  // unknown (ClickHouse may have committed before the connection broke).
        Server,   // ClickHouse answered with an error status
    };
    ClickHouseError(Kind kind, int http_status, const std::string& message)
        : std::runtime_error(message), kind_(kind), http_status_(http_status) {}
    Kind kind() const { return kind_; }
    int httpStatus() const { return http_status_; }

  private:
    Kind kind_;
    int http_status_;
};

class ClickHouseClient {
  public:
    explicit ClickHouseClient(ClickHouseOptions options);
    ~ClickHouseClient();
    ClickHouseClient(const ClickHouseClient&) = delete;
    ClickHouseClient& operator=(const ClickHouseClient&) = delete;

    // Runs a read or an idempotent statement (SELECT, CREATE ... IF NOT EXISTS, ALTER ... DROP
    // PARTITION) and returns the response body. Retried with backoff on network errors and 5xx.
    // options().database is the current database, so unqualified table names resolve there.
    // Build `sql` with SqlBuilder (storage/SqlLiteral.h); never concatenate values into it.
    std::string query(std::string_view sql);

    // As query(), but with the server's default database as the current one: for statements that
    // must run before options().database exists (CREATE DATABASE) or after it is gone.
    std::string queryWithoutDatabase(std::string_view sql);

    // Sends one INSERT with `data` as its body: `INSERT INTO <db>.<table> (<columns>) FORMAT
    // <format>`. Not retried here: the caller knows whether repeating it is safe.
    void insert(std::string_view table, std::string_view columns, std::string_view format,
                std::string_view data);

    // True when ClickHouse answers /ping within the connect timeout.
    bool ping();

    const ClickHouseOptions& options() const { return options_; }

    // Duration of the most recent completed HTTP exchange (zero before the first one).
    std::chrono::microseconds lastRoundTrip() const {
        return std::chrono::microseconds(last_round_trip_us_.load(std::memory_order_relaxed));
    }

    // Called after every completed HTTP exchange, successful or not, e.g. to feed a histogram.
    using RoundTripObserver = std::function<void(std::chrono::microseconds)>;
    void setRoundTripObserver(RoundTripObserver observer);

  private:
    class ConnectionPool;
    struct Response;
    std::string send(const std::string& url_query, std::string_view body, bool retry);
    Response exchange(const std::string& url, std::string_view body, bool post,
                      std::chrono::milliseconds timeout);
    void recordRoundTrip(std::chrono::microseconds rtt);

    ClickHouseOptions options_;
    std::string database_param_;  // "database=<url-encoded>", empty when none
    std::unique_ptr<ConnectionPool> pool_;
    std::atomic<int64_t> last_round_trip_us_{0};
    std::mutex observer_mutex_;
    RoundTripObserver observer_;
};

}  // namespace infrasage::storage
