#include "storage/ClickHouseClient.h"

#include <curl/curl.h>

#include <algorithm>
#include <thread>
#include <utility>
#include <vector>

#include "observability/Log.h"
#include "storage/SqlLiteral.h"

namespace infrasage::storage {

namespace {

constexpr std::size_t kErrorTextLimit = 2048;
constexpr std::size_t kMaxIdleHandles = 32;

void initCurlOnce() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::size_t appendBody(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

std::string urlEscape(std::string_view text) {
    char* escaped = curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size()));
    if (escaped == nullptr) {
        throw std::bad_alloc();
    }
    std::string out(escaped);
    curl_free(escaped);
    return out;
}

bool startsWith(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

void validate(const ClickHouseOptions& options) {
    const bool https = startsWith(options.url, "https://");
    if (!https && !startsWith(options.url, "http://")) {
        throw std::invalid_argument("ClickHouse url must start with http:// or https://");
    }
    if (options.tls_enabled && !https) {
        throw std::invalid_argument("ClickHouse TLS is enabled but the url is not https://");
    }
    if (!options.tls_enabled && https) {
        throw std::invalid_argument("ClickHouse url is https:// but TLS is not enabled");
    }
    // They travel in headers: a line break would let them add headers of their own.
    for (const std::string* value : {&options.user, &options.password}) {
        if (value->find_first_of("\r\n") != std::string::npos) {
            throw std::invalid_argument(
                "ClickHouse user and password must not contain line breaks");
        }
    }
}

std::string trimmedBase(std::string url) {
    while (!url.empty() && url.back() == '/') {
        url.pop_back();
    }
    return url;
}

}  // namespace

// Idle easy handles, each keeping its own connection to ClickHouse alive between requests.
class ClickHouseClient::ConnectionPool {
  public:
    explicit ConnectionPool(const ClickHouseOptions& options) {
        initCurlOnce();
        headers_ = curl_slist_append(headers_, ("X-ClickHouse-User: " + options.user).c_str());
        headers_ = curl_slist_append(headers_, ("X-ClickHouse-Key: " + options.password).c_str());
        // Without this curl waits up to a second for "100 Continue" before large bodies.
        headers_ = curl_slist_append(headers_, "Expect:");
        headers_ = curl_slist_append(headers_, "Content-Type: application/octet-stream");
    }
    ~ConnectionPool() {
        for (CURL* handle : idle_) {
            curl_easy_cleanup(handle);
        }
        curl_slist_free_all(headers_);
    }
    ConnectionPool(const ConnectionPool&) = delete;
    ConnectionPool& operator=(const ConnectionPool&) = delete;

    CURL* acquire() {
        {
            std::lock_guard lock(mutex_);
            if (!idle_.empty()) {
                CURL* handle = idle_.back();
                idle_.pop_back();
                return handle;
            }
        }
        CURL* handle = curl_easy_init();
        if (handle == nullptr) {
            throw std::runtime_error("curl_easy_init failed");
        }
        return handle;
    }

    void release(CURL* handle) {
        {
            std::lock_guard lock(mutex_);
            if (idle_.size() < kMaxIdleHandles) {
                idle_.push_back(handle);
                return;
            }
        }
        curl_easy_cleanup(handle);
    }

    const curl_slist* headers() const { return headers_; }

  private:
    std::mutex mutex_;
    std::vector<CURL*> idle_;
    curl_slist* headers_ = nullptr;  // shared read-only by all transfers
};

struct ClickHouseClient::Response {
    CURLcode code = CURLE_OK;
    long status = 0;
    std::string body;
    std::string error;  // curl's message when code != CURLE_OK
};

ClickHouseClient::ClickHouseClient(ClickHouseOptions options) : options_(std::move(options)) {
    validate(options_);
    options_.url = trimmedBase(options_.url);
    options_.max_attempts = std::max(1, options_.max_attempts);
    if (!options_.database.empty()) {
        database_param_ = "database=" + urlEscape(options_.database);
    }
    pool_ = std::make_unique<ConnectionPool>(options_);
}

ClickHouseClient::~ClickHouseClient() = default;

std::string ClickHouseClient::query(std::string_view sql) {
    return send(database_param_, sql, /*retry=*/true);
}

std::string ClickHouseClient::queryWithoutDatabase(std::string_view sql) {
    return send("", sql, /*retry=*/true);
}

void ClickHouseClient::insert(std::string_view table, std::string_view columns,
                              std::string_view format, std::string_view data) {
    SqlBuilder sql("INSERT INTO ");
    if (options_.database.empty()) {
        sql.identifier(table);
    } else {
        sql.qualified(options_.database, table);
    }
    sql.sql(" (").identifierList(columns).sql(") FORMAT ").keyword(format);
    std::string url_query = database_param_;
    url_query += url_query.empty() ? "query=" : "&query=";
    url_query += urlEscape(sql.str());
    send(url_query, data, /*retry=*/false);
}

bool ClickHouseClient::ping() {
    try {
        auto response =
            exchange(options_.url + "/ping", {}, /*post=*/false, options_.connect_timeout);
        return response.code == CURLE_OK && response.status == 200;
    } catch (const std::exception&) {
        return false;
    }
}

void ClickHouseClient::setRoundTripObserver(RoundTripObserver observer) {
    std::lock_guard lock(observer_mutex_);
    observer_ = std::move(observer);
}

void ClickHouseClient::recordRoundTrip(std::chrono::microseconds rtt) {
    last_round_trip_us_.store(rtt.count(), std::memory_order_relaxed);
    RoundTripObserver observer;
    {
        std::lock_guard lock(observer_mutex_);
        observer = observer_;
    }
    if (observer) {
        observer(rtt);
    }
}

ClickHouseClient::Response ClickHouseClient::exchange(const std::string& url, std::string_view body,
                                                      bool post,
                                                      std::chrono::milliseconds timeout) {
    CURL* handle = pool_->acquire();
    // reset() clears options but keeps the handle's live connection, so keep-alive survives.
    curl_easy_reset(handle);
    Response response;
    char error_buffer[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_TCP_KEEPALIVE, 1L);
    // ClickHouse closes idle keep-alive connections after keep_alive_timeout (3 s by default);
    // reusing one just as it closes fails the request, so retire them idle for 2 s first.
    curl_easy_setopt(handle, CURLOPT_MAXAGE_CONN, 2L);
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, pool_->headers());
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &appendBody);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
    if (options_.tls_enabled) {
        if (!options_.tls_ca_cert.empty()) {
            curl_easy_setopt(handle, CURLOPT_CAINFO, options_.tls_ca_cert.c_str());
        }
        curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
        curl_easy_setopt(handle, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2);
    }
    if (post) {
        curl_easy_setopt(handle, CURLOPT_POST, 1L);
        curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    } else {
        curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L);
    }

    const auto started = std::chrono::steady_clock::now();
    response.code = curl_easy_perform(handle);
    const auto rtt = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    if (response.code == CURLE_OK) {
        curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
    } else {
        response.error = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(response.code);
    }
    // Unset pointers into this frame before the handle goes back to the pool.
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, nullptr);
    pool_->release(handle);
    if (response.code == CURLE_OK) {
        recordRoundTrip(rtt);
    }
    return response;
}

std::string ClickHouseClient::send(const std::string& url_query, std::string_view body,
                                   bool retry) {
    const std::string url = options_.url + "/" + (url_query.empty() ? "" : "?" + url_query);
    const int attempts = retry ? options_.max_attempts : 1;
    auto backoff = options_.initial_backoff;
    for (int attempt = 1;; ++attempt) {
        Response response = exchange(url, body, /*post=*/true, options_.request_timeout);
        const bool network_error = response.code != CURLE_OK;
        const bool server_error = !network_error && response.status >= 500;
        if ((network_error || server_error) && attempt < attempts) {
            observability::logWarn(
                "ClickHouse request failed; retrying",
                {{"attempt", attempt},
                 {"max_attempts", attempts},
                 {"error", network_error ? response.error : std::to_string(response.status)},
                 {"backoff_ms", backoff.count()}});
            std::this_thread::sleep_for(backoff);
            backoff *= 2;
            continue;
        }
        if (network_error) {
            throw ClickHouseError(ClickHouseError::Kind::Network, 0,
                                  "ClickHouse at " + options_.url + " did not answer after " +
                                      std::to_string(attempt) + " attempt(s): " + response.error);
        }
        if (response.status != 200) {
            throw ClickHouseError(ClickHouseError::Kind::Server, static_cast<int>(response.status),
                                  "ClickHouse returned HTTP " + std::to_string(response.status) +
                                      ": " + response.body.substr(0, kErrorTextLimit));
        }
        return std::move(response.body);
    }
}

}  // namespace infrasage::storage
