// storage/SampleTables: the narrow metric storage that remote write and OTLP metrics land in
// (issue 5). Each series' identity — service, metric name and label set — is stored once in the
// series table, keyed by a 64-bit fingerprint of that identity; samples are narrow rows
// (tenant, fingerprint, time, value). On this machine ClickHouse inserts narrow rows at about a
// quarter of the CPU of wide rows that repeat every label (TECH-NOTES: 0.55–1.1 vs 2.0–2.9
// CPU-s per million), which is what lets ingestion beat VictoriaMetrics per CPU second.
//
// Series rows may be written more than once (every process that meets a new series writes it;
// after a restart it is written again): the table is a ReplacingMergeTree on (tenant_id,
// series_id), and readers de-duplicate with `ANY` joins or `FINAL`. Samples are never updated.
// Spans (OTLP traces) have a table of their own with the span fields as columns.
#pragma once

#include <string>
#include <string_view>

#include "storage/RowSink.h"

namespace infrasage::storage {

inline constexpr std::string_view kSeriesTable = "infrasage_series";
inline constexpr char kSeriesColumnList[] =
    "tenant_id, series_id, service_id, metric_name, label_keys, label_values, first_seen";
// RowBinary: String, UInt64, String, String, Array(String), Array(String), DateTime.

inline constexpr std::string_view kSamplesTable = "infrasage_samples";
inline constexpr char kSampleColumnList[] = "tenant_id, series_id, timestamp, timestamp_ms, value";
// RowBinary: String, UInt64, DateTime, UInt16, Float64.

inline constexpr std::string_view kSpansTable = "infrasage_spans";
inline constexpr char kSpanColumnList[] =
    "tenant_id, trace_id, span_id, parent_span_id, service_id, name, kind, start_time, "
    "start_time_nanos, duration_nanos, status_code, status_message, attr_keys, attr_values, "
    "received_at";
// RowBinary: String (hex, 32 chars), String (hex, 16), String (hex, 16; empty for a root span),
// String, String, String (OTLP SpanKind name without the prefix: "server", "client", ...),
// DateTime, UInt32, UInt64, String ("unset", "ok", "error"), String, Array(String),
// Array(String), DateTime.

// WAL stream ids (persisted in WAL frames; never reuse one).
inline constexpr StreamId kSeriesStream = 6;
inline constexpr StreamId kSamplesStream = 7;
inline constexpr StreamId kSpansStream = 8;

// CREATE TABLE IF NOT EXISTS statements (migration 4).
std::string createSeriesTableSql(std::string_view database);
std::string createSamplesTableSql(std::string_view database);
std::string createSpansTableSql(std::string_view database);

}  // namespace infrasage::storage
