// config/Config: typed process configuration read from the environment through the Settings
// table. Secrets may come from NAME_FILE (as Kubernetes Secrets and Vault agents provide them).
// validate() enforces the production rules: no default or weak secret, each refusal naming the
// variable to fix.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace infrasage::config {

// Names the variable that is wrong, so the operator knows what to fix.
class ConfigError : public std::runtime_error {
  public:
    ConfigError(std::string variable, const std::string& message)
        : std::runtime_error(variable + ": " + message), variable_(std::move(variable)) {}
    const std::string& variable() const { return variable_; }

  private:
    std::string variable_;
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Reads the real process environment.
EnvLookup processEnvironment();

struct Config {
    bool production = false;
    std::string listen_host = "0.0.0.0";
    uint16_t listen_port = 8080;
    std::string data_dir;
    std::string log_level;
    std::string jwt_secret;
    std::string api_key_pepper;

    bool tls_enabled = false;
    std::string tls_cert;
    std::string tls_key;  // path (the key itself stays on disk)
    bool mtls_enabled = false;
    std::string mtls_client_ca;

    std::string clickhouse_url;
    std::string clickhouse_database;
    std::string clickhouse_user;
    std::string clickhouse_password;
    bool clickhouse_tls_enabled = false;
    std::string clickhouse_tls_ca_cert;

    std::string control_store_url;

    uint64_t max_body_bytes = 0;
    unsigned http_workers = 0;
    unsigned http_read_timeout_seconds = 0;
    unsigned http_idle_timeout_seconds = 0;
    unsigned ingest_max_inflight = 0;
    std::vector<std::string> prometheus_service_labels;  // service_id from the first present
    uint64_t wal_max_bytes = 0;
    uint64_t wal_segment_bytes = 0;
    unsigned flush_rows = 0;
    unsigned flush_interval_ms = 0;
    unsigned shutdown_drain_seconds = 0;
    unsigned retention_days = 0;

    unsigned watchdog_interval_seconds = 0;
    double watchdog_z_threshold = 0;
    unsigned watchdog_cooldown_seconds = 0;
    bool watchdog_enabled = true;             // serve runs the Watchdog (shard 0/1)
    std::string watchdog_direction = "both";  // both | above | below
    double watchdog_min_deviation = 0;
    unsigned watchdog_warmup_seconds = 86400;
    std::string slack_webhook_url;
    std::string pagerduty_service_key;

    // Parses every setting; throws ConfigError on a malformed value.
    static Config load(const EnvLookup& env);

    // Throws ConfigError when the configuration is unsafe for its environment (production: default
    // or weak secrets; TLS enabled without files).
    void validate() const;
};

}  // namespace infrasage::config
