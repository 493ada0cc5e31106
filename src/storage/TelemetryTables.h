// storage/TelemetryTables: the single description of the six telemetry tables — their names,
// which optional columns each has, and the column order used for RowBinary inserts. The schema
// migrations and the row encoder both read it, so the two can never disagree.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace infrasage::storage {

enum class TelemetryType : uint8_t {
    Metric = 0,
    Log = 1,
    Trace = 2,
    Event = 3,
    Profile = 4,
    Slo = 5
};

inline constexpr std::size_t kTelemetryTypeCount = 6;

struct TelemetryTableSpec {
    TelemetryType type;
    std::string_view type_name;  // as written in the JSON `type` field
    std::string_view table;      // table name inside the InfraSage database
    bool has_metric;             // metric_name + value columns; both required on input
    bool has_body;               // body column; required on input
};

// Columns of every table, in RowBinary order:
//   tenant_id String, service_id String, timestamp DateTime, timestamp_nanos UInt32,
//   [metric_name String, value Float64,]  (has_metric)
//   [body String,]                        (has_body)
//   trace_id String, attr_keys Array(String), attr_values Array(String), received_at DateTime
inline constexpr std::array<TelemetryTableSpec, kTelemetryTypeCount> kTelemetryTables{{
    {TelemetryType::Metric, "metric", "infrasage_metrics", true, false},
    {TelemetryType::Log, "log", "infrasage_logs", false, true},
    {TelemetryType::Trace, "trace", "infrasage_traces", true, false},
    {TelemetryType::Event, "event", "infrasage_events", false, true},
    {TelemetryType::Profile, "profile", "infrasage_profiles", true, true},
    {TelemetryType::Slo, "slo", "infrasage_slos", true, false},
}};

inline const TelemetryTableSpec& tableSpec(TelemetryType type) {
    return kTelemetryTables[static_cast<std::size_t>(type)];
}

inline std::optional<TelemetryType> parseTelemetryType(std::string_view name) {
    for (const auto& spec : kTelemetryTables) {
        if (spec.type_name == name) {
            return spec.type;
        }
    }
    return std::nullopt;
}

// Comma-separated column list for `INSERT INTO t (cols) FORMAT RowBinary`.
std::string_view insertColumns(TelemetryType type);

}  // namespace infrasage::storage
