#include "api/AnomalyJson.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <cmath>

namespace infrasage::api {

namespace {

// JSON has no NaN or infinity; a detector that produced one reports "no value".
nlohmann::json number(double value) {
    return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

}  // namespace

std::string rfc3339Seconds(int64_t unix_seconds) {
    const std::chrono::sys_seconds time{std::chrono::seconds(unix_seconds)};
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", time);
}

nlohmann::json anomalyJson(const storage::AnomalyRow& row) {
    const bool changed = row.status_changed_at != 0 || !row.status_changed_by.empty();
    return {
        {"anomaly_id", row.anomaly_id},
        {"tenant_id", row.tenant_id},
        {"service_id", row.service_id},
        {"metric_name", row.metric_name},
        {"detected_at", rfc3339Seconds(row.detected_at)},
        {"value", number(row.value)},
        {"expected", number(row.expected)},
        {"lower", number(row.lower)},
        {"upper", number(row.upper)},
        {"z_score", number(row.z_score)},
        {"anomaly_score", number(row.anomaly_score)},
        {"severity", row.severity},
        {"detector", row.detector},
        {"rca_triggered", row.rca_triggered},
        {"status", row.status},
        {"status_changed_at",
         changed ? nlohmann::json(rfc3339Seconds(row.status_changed_at)) : nlohmann::json(nullptr)},
        {"status_changed_by",
         changed ? nlohmann::json(row.status_changed_by) : nlohmann::json(nullptr)},
    };
}

nlohmann::json serviceJson(const storage::ServiceState& state) {
    nlohmann::json latest = nullptr;
    if (state.latest) {
        latest = {{"anomaly_id", state.latest->anomaly_id},
                  {"metric_name", state.latest->metric_name},
                  {"severity", state.latest->severity},
                  {"status", state.latest->status},
                  {"detected_at", rfc3339Seconds(state.latest->detected_at)}};
    }
    return {{"service_id", state.service_id},
            {"open_anomalies", state.open_anomalies},
            {"worst_open_severity", state.worst_open_severity.empty()
                                        ? nlohmann::json(nullptr)
                                        : nlohmann::json(state.worst_open_severity)},
            {"latest_anomaly", latest}};
}

}  // namespace infrasage::api
