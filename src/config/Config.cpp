#include "config/Config.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string_view>

#include "config/Settings.h"

namespace infrasage::config {

namespace {

// Passwords that ship in examples and docs; production must never run with one of them.
constexpr std::array<std::string_view, 9> kWeakPasswords{
    "",         "clickhouse", "default",
    "password", "changeme",   "infrasage",
    "admin",    "secret",     "STRONG_RANDOM_PASSWORD_HERE"};
constexpr std::size_t kMinJwtSecretBytes = 32;
constexpr std::size_t kMinPasswordBytes = 12;

const SettingSpec& spec(std::string_view name) {
    for (const auto& s : allSettings()) {
        if (s.name == name) {
            return s;
        }
    }
    throw std::logic_error("setting not declared in config/Settings.cpp: " + std::string(name));
}

std::string readSecretFile(const std::string& variable, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw ConfigError(variable + "_FILE", "cannot read file " + path);
    }
    std::ostringstream content;
    content << in.rdbuf();
    std::string value = content.str();
    // Files written by editors and `echo` end with a newline that is not part of the secret.
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) {
        value.pop_back();
    }
    return value;
}

class Reader {
  public:
    explicit Reader(const EnvLookup& env) : env_(env) {}

    std::string str(std::string_view name) const {
        const auto& s = spec(name);
        std::string key(name);
        if (s.secret) {
            if (auto file = env_(key + "_FILE"); file && !file->empty()) {
                return readSecretFile(key, *file);
            }
        }
        auto value = env_(key);
        return value ? *value : std::string(s.default_value);
    }

    bool flag(std::string_view name) const {
        auto v = str(name);
        if (v == "true" || v == "1" || v == "yes") {
            return true;
        }
        if (v == "false" || v == "0" || v == "no" || v.empty()) {
            return false;
        }
        throw ConfigError(std::string(name), "expected true or false, got '" + v + "'");
    }

    template <typename T>
    T number(std::string_view name, T min_value) const {
        auto v = str(name);
        T out{};
        auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
        if (ec != std::errc() || ptr != v.data() + v.size() || out < min_value) {
            throw ConfigError(
                std::string(name),
                "expected a number >= " + std::to_string(min_value) + ", got '" + v + "'");
        }
        return out;
    }

    double real(std::string_view name, bool allow_zero = false) const {
        auto v = str(name);
        char* end = nullptr;
        double out = std::strtod(v.c_str(), &end);
        const bool in_range = allow_zero ? out >= 0 : out > 0;
        if (v.empty() || end != v.c_str() + v.size() || !in_range || !std::isfinite(out)) {
            throw ConfigError(std::string(name), std::string("expected a ") +
                                                     (allow_zero ? "non-negative" : "positive") +
                                                     " number, got '" + v + "'");
        }
        return out;
    }

    std::string oneOf(std::string_view name, std::initializer_list<std::string_view> values) const {
        auto v = str(name);
        for (const auto allowed : values) {
            if (v == allowed) {
                return v;
            }
        }
        std::string expected;
        for (const auto allowed : values) {
            expected += (expected.empty() ? "" : ", ") + std::string(allowed);
        }
        throw ConfigError(std::string(name), "expected one of " + expected + ", got '" + v + "'");
    }

  private:
    const EnvLookup& env_;
};

void parseListen(const std::string& listen, Config& cfg) {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        throw ConfigError("INFRASAGE_LISTEN", "expected host:port, got '" + listen + "'");
    }
    cfg.listen_host = listen.substr(0, colon);
    unsigned port = 0;
    auto port_text = std::string_view(listen).substr(colon + 1);
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port > 65535) {
        throw ConfigError("INFRASAGE_LISTEN", "invalid port in '" + listen + "'");
    }
    cfg.listen_port = static_cast<uint16_t>(port);
}

// A comma-separated list of label names, blanks around names ignored, at least one name.
std::vector<std::string> labelList(std::string_view setting, std::string_view value) {
    std::vector<std::string> names;
    std::size_t start = 0;
    while (start <= value.size()) {
        auto comma = value.find(',', start);
        auto item =
            value.substr(start, comma == std::string_view::npos ? value.npos : comma - start);
        auto first = item.find_first_not_of(" \t");
        auto last = item.find_last_not_of(" \t");
        if (first == std::string_view::npos) {
            throw ConfigError(std::string(setting),
                              "empty label name in '" + std::string(value) + "'");
        }
        names.emplace_back(item.substr(first, last - first + 1));
        if (comma == std::string_view::npos) {
            break;
        }
        start = comma + 1;
    }
    return names;
}

}  // namespace

EnvLookup processEnvironment() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) {
            return std::nullopt;
        }
        return std::string(value);
    };
}

Config Config::load(const EnvLookup& env) {
    Reader r(env);
    Config c;
    auto mode = r.str("INFRASAGE_ENV");
    if (mode != "development" && mode != "production") {
        throw ConfigError("INFRASAGE_ENV",
                          "expected development or production, got '" + mode + "'");
    }
    c.production = mode == "production";
    parseListen(r.str("INFRASAGE_LISTEN"), c);
    c.data_dir = r.str("INFRASAGE_DATA_DIR");
    c.log_level = r.str("INFRASAGE_LOG_LEVEL");
    c.jwt_secret = r.str("JWT_SECRET");
    c.api_key_pepper = r.str("INFRASAGE_API_KEY_PEPPER");
    c.tls_enabled = r.flag("GATEWAY_TLS_ENABLED");
    c.tls_cert = r.str("GATEWAY_TLS_CERT");
    c.tls_key = r.str("GATEWAY_TLS_KEY");
    c.mtls_enabled = r.flag("MTLS_ENABLED");
    c.mtls_client_ca = r.str("MTLS_CLIENT_CA");
    c.clickhouse_url = r.str("CLICKHOUSE_URL");
    c.clickhouse_database = r.str("CLICKHOUSE_DATABASE");
    c.clickhouse_user = r.str("CLICKHOUSE_USER");
    c.clickhouse_password = r.str("CLICKHOUSE_PASSWORD");
    c.clickhouse_tls_enabled = r.flag("CLICKHOUSE_TLS_ENABLED");
    c.clickhouse_tls_ca_cert = r.str("CLICKHOUSE_TLS_CA_CERT");
    c.control_store_url = r.str("INFRASAGE_CONTROL_STORE_URL");
    c.max_body_bytes = r.number<uint64_t>("INFRASAGE_MAX_BODY_BYTES", 1024);
    c.http_workers = r.number<unsigned>("INFRASAGE_HTTP_WORKERS", 2);
    c.http_read_timeout_seconds = r.number<unsigned>("INFRASAGE_HTTP_READ_TIMEOUT_SECONDS", 1);
    c.http_idle_timeout_seconds = r.number<unsigned>("INFRASAGE_HTTP_IDLE_TIMEOUT_SECONDS", 1);
    c.ingest_max_inflight = r.number<unsigned>("INFRASAGE_INGEST_MAX_INFLIGHT", 1);
    c.prometheus_service_labels =
        labelList("PROMETHEUS_SERVICE_LABELS", r.str("PROMETHEUS_SERVICE_LABELS"));
    c.wal_max_bytes = r.number<uint64_t>("INFRASAGE_WAL_MAX_BYTES", 1024);
    c.wal_segment_bytes = r.number<uint64_t>("INFRASAGE_WAL_SEGMENT_BYTES", 4096);
    c.flush_rows = r.number<unsigned>("INFRASAGE_FLUSH_ROWS", 1);
    c.flush_interval_ms = r.number<unsigned>("INFRASAGE_FLUSH_INTERVAL_MS", 1);
    c.shutdown_drain_seconds = r.number<unsigned>("INFRASAGE_SHUTDOWN_DRAIN_SECONDS", 0);
    c.retention_days = r.number<unsigned>("INFRASAGE_RETENTION_DAYS", 1);
    c.watchdog_interval_seconds = r.number<unsigned>("WATCHDOG_INTERVAL_SECONDS", 1);
    c.watchdog_z_threshold = r.real("WATCHDOG_Z_SCORE_THRESHOLD");
    c.watchdog_cooldown_seconds = r.number<unsigned>("WATCHDOG_COOLDOWN_SECONDS", 0);
    c.watchdog_enabled = r.flag("WATCHDOG_ENABLED");
    c.watchdog_direction = r.oneOf("WATCHDOG_DIRECTION", {"both", "above", "below"});
    c.watchdog_min_deviation = r.real("WATCHDOG_MIN_DEVIATION", true);
    c.watchdog_warmup_seconds = r.number<unsigned>("WATCHDOG_WARMUP_SECONDS", 0);
    c.slack_webhook_url = r.str("SLACK_WEBHOOK_URL");
    c.pagerduty_service_key = r.str("PAGERDUTY_SERVICE_KEY");
    return c;
}

void Config::validate() const {
    if (tls_enabled && (tls_cert.empty() || tls_key.empty())) {
        throw ConfigError(tls_cert.empty() ? "GATEWAY_TLS_CERT" : "GATEWAY_TLS_KEY",
                          "required when GATEWAY_TLS_ENABLED=true");
    }
    if (mtls_enabled && (!tls_enabled || mtls_client_ca.empty())) {
        throw ConfigError("MTLS_CLIENT_CA",
                          "MTLS_ENABLED needs GATEWAY_TLS_ENABLED=true and a client CA file");
    }
    if (clickhouse_tls_enabled && clickhouse_url.rfind("https://", 0) != 0) {
        throw ConfigError("CLICKHOUSE_URL", "must start with https:// when CLICKHOUSE_TLS_ENABLED");
    }
    if (!production) {
        return;
    }
    if (jwt_secret.size() < kMinJwtSecretBytes) {
        throw ConfigError("JWT_SECRET", "production requires at least 32 bytes (256 bits)");
    }
    if (api_key_pepper.size() < kMinJwtSecretBytes) {
        throw ConfigError("INFRASAGE_API_KEY_PEPPER",
                          "production requires at least 32 bytes (256 bits)");
    }
    if (clickhouse_user == "default") {
        throw ConfigError("CLICKHOUSE_USER",
                          "production refuses ClickHouse's default user; create a dedicated one");
    }
    for (auto weak : kWeakPasswords) {
        if (clickhouse_password == weak) {
            throw ConfigError("CLICKHOUSE_PASSWORD",
                              "production refuses a default or empty password");
        }
    }
    if (clickhouse_password.size() < kMinPasswordBytes) {
        throw ConfigError("CLICKHOUSE_PASSWORD", "production requires at least 12 characters");
    }
}

}  // namespace infrasage::config
