// storage/AnomalyTable: the anomalies table (PRODUCT.md §4) — its name, columns and row. The
// Watchdog inserts rows; the API reads them and changes their status.
//
// ClickHouse 18.16 has no in-place updates that an API may wait for, so the table is a
// ReplacingMergeTree over `version`: a status change inserts the whole row again with a higher
// version, and readers take the latest version of each anomaly_id (FINAL or argMax). The Watchdog
// writes version kWatchdogVersion and derives anomaly_id from (tenant, service, metric,
// detected_at), so a cycle re-run after a crash re-inserts the same rows instead of new anomalies,
// and never overwrites an operator's acknowledge or resolve (those carry higher versions).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace infrasage::storage {

inline constexpr std::string_view kAnomaliesTable = "infrasage_anomalies";
// A char array so it can also be a compile-time SqlFragment (SELECT lists, INSERT column lists).
inline constexpr char kAnomalyColumnList[] =
    "tenant_id, anomaly_id, service_id, metric_name, detected_at, value, expected, lower, upper, "
    "z_score, anomaly_score, severity, detector, rca_triggered, status, status_changed_at, "
    "status_changed_by, version";

// Rows written by the Watchdog; status changes use a larger version (milliseconds since epoch).
inline constexpr uint64_t kWatchdogVersion = 1;

// One anomaly, in kAnomalyColumnList order. Times are unix seconds (DateTime columns).
struct AnomalyRow {
    std::string tenant_id;
    std::string anomaly_id;  // "anom-" + 16 lowercase hex digits
    std::string service_id;
    std::string metric_name;
    int64_t detected_at = 0;
    double value = 0.0;
    double expected = 0.0;
    double lower = 0.0;
    double upper = 0.0;
    double z_score = 0.0;
    double anomaly_score = 0.0;
    std::string severity;  // low | medium | high | critical
    std::string detector;  // the component that carried the score, e.g. "robust_z", "iforest"
    bool rca_triggered = false;
    std::string status = "open";    // open | acknowledged | resolved
    int64_t status_changed_at = 0;  // 0 while open and never changed
    std::string status_changed_by;  // the principal that acknowledged/resolved (user or key id)
    uint64_t version = kWatchdogVersion;
};

// CREATE TABLE IF NOT EXISTS for the anomalies table (migration 3).
std::string createAnomaliesTableSql(std::string_view database);

}  // namespace infrasage::storage
