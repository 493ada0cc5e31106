#include "config/Settings.h"

#include <fmt/format.h>

#include <array>
#include <string>

namespace infrasage::config {

namespace {

constexpr std::array kSettings{
    SettingSpec{"INFRASAGE_ENV", "development",
                "development | production. Production refuses default or weak secrets."},
    SettingSpec{"INFRASAGE_LISTEN", "0.0.0.0:8080", "HTTP(S) listen address host:port."},
    SettingSpec{"INFRASAGE_DATA_DIR", ".data/infrasage",
                "Directory for the write-ahead log and the control store."},
    SettingSpec{"INFRASAGE_LOG_LEVEL", "info", "trace | debug | info | warn | error."},
    SettingSpec{"JWT_SECRET", "",
                "HS256 signing secret, at least 32 bytes (required in production; development "
                "generates one in the data dir).",
                true},
    SettingSpec{
        "INFRASAGE_API_KEY_PEPPER", "",
        "Key of the keyed hash that stores API keys, at least 32 bytes (required in "
        "production; development generates one in the data dir). Changing it voids every key.",
        true},
    SettingSpec{"GATEWAY_TLS_ENABLED", "false", "Serve HTTPS (TLS 1.2 minimum) on the listener."},
    SettingSpec{"GATEWAY_TLS_CERT", "", "PEM certificate chain for the listener."},
    SettingSpec{"GATEWAY_TLS_KEY", "", "Path of the PEM private key for the listener."},
    SettingSpec{"MTLS_ENABLED", "false", "Require client certificates signed by MTLS_CLIENT_CA."},
    SettingSpec{"MTLS_CLIENT_CA", "", "PEM CA bundle that client certificates must chain to."},
    SettingSpec{"CLICKHOUSE_URL", "http://127.0.0.1:8123", "ClickHouse HTTP(S) interface URL."},
    SettingSpec{"CLICKHOUSE_DATABASE", "infrasage", "ClickHouse database for InfraSage tables."},
    SettingSpec{"CLICKHOUSE_USER", "default", "ClickHouse user."},
    SettingSpec{"CLICKHOUSE_PASSWORD", "", "ClickHouse password.", true},
    SettingSpec{"CLICKHOUSE_TLS_ENABLED", "false",
                "Use TLS to ClickHouse (CLICKHOUSE_URL https://)."},
    SettingSpec{"CLICKHOUSE_TLS_CA_CERT", "", "PEM CA that signed ClickHouse's certificate."},
    SettingSpec{
        "INFRASAGE_CONTROL_STORE_URL", "",
        "Control store (sqlite:///path or postgresql://...); default: SQLite in the data dir."},
    SettingSpec{"INFRASAGE_MAX_BODY_BYTES", "16777216", "Largest accepted request body."},
    SettingSpec{"INFRASAGE_HTTP_WORKERS", "64",
                "HTTP worker threads (each serves one connection at a time)."},
    SettingSpec{"INFRASAGE_HTTP_READ_TIMEOUT_SECONDS", "10", "Time allowed to read a request."},
    SettingSpec{"INFRASAGE_HTTP_IDLE_TIMEOUT_SECONDS", "5", "Idle keep-alive connection timeout."},
    SettingSpec{
        "INFRASAGE_INGEST_MAX_INFLIGHT", "32",
        "Concurrent ingestion requests; beyond it 503 overloaded (health checks unaffected)."},
    SettingSpec{"PROMETHEUS_SERVICE_LABELS", "service,job",
                "Prometheus remote write: labels tried in order for service_id (the first "
                "present wins, else \"unknown\"); that label is not kept among the attributes."},
    SettingSpec{"INFRASAGE_WAL_MAX_BYTES", "1073741824",
                "Disk cap for data not yet in ClickHouse; beyond it ingestion answers 503."},
    SettingSpec{"INFRASAGE_WAL_SEGMENT_BYTES", "67108864", "Write-ahead log segment size."},
    SettingSpec{"INFRASAGE_FLUSH_ROWS", "10000", "Rows gathered per ClickHouse insert under load."},
    SettingSpec{"INFRASAGE_FLUSH_INTERVAL_MS", "1000", "Longest wait before an idle flush."},
    SettingSpec{"INFRASAGE_SHUTDOWN_DRAIN_SECONDS", "10",
                "On SIGTERM, time to deliver acknowledged records to ClickHouse before exiting."},
    SettingSpec{"INFRASAGE_RETENTION_DAYS", "30", "Days of telemetry kept (daily partitions)."},
    SettingSpec{"WATCHDOG_INTERVAL_SECONDS", "60", "Anomaly detection cycle."},
    SettingSpec{"WATCHDOG_Z_SCORE_THRESHOLD", "3.0",
                "Width of the expected band in rolling-z sigmas (expected +/- threshold * sigma)."},
    SettingSpec{"WATCHDOG_COOLDOWN_SECONDS", "300", "Quiet period per series after an anomaly."},
    SettingSpec{"WATCHDOG_DIRECTION", "both",
                "Deviations reported: both, above (only rises) or below (only drops)."},
    SettingSpec{"WATCHDOG_MIN_DEVIATION", "0",
                "Smallest |value - expected| reported, in the metric's unit; 0 disables."},
    SettingSpec{"WATCHDOG_WARMUP_SECONDS", "86400",
                "A new series is learnt this long before it may raise an anomaly."},
    SettingSpec{"WATCHDOG_ENABLED", "true",
                "Run the Watchdog (all series, shard 0/1) inside serve; false where separate "
                "`infrasage watchdog --shard i/n` processes do it."},
    SettingSpec{"SLACK_WEBHOOK_URL", "", "Slack incoming webhook for notifications.", true},
    SettingSpec{"PAGERDUTY_SERVICE_KEY", "", "PagerDuty Events v2 routing key.", true},
};

}  // namespace

std::span<const SettingSpec> allSettings() {
    return kSettings;
}

std::string settingsHelp() {
    std::string out = "Settings (environment variables; secrets also as NAME_FILE):\n";
    for (const auto& s : kSettings) {
        out += fmt::format("  {:<36} default: {:<22} {}{}\n", s.name,
                           s.default_value.empty() ? "(none)" : s.default_value, s.description,
                           s.secret ? " [secret]" : "");
    }
    return out;
}

}  // namespace infrasage::config
