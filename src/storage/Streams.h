// storage/Streams: the registry of stream ids that may appear in the write-ahead log and the table
// each one lands in. Ids are persisted in WAL frames, so an id is never reused for another table.
#pragma once

#include <optional>
#include <string_view>

#include "storage/RowSink.h"
#include "storage/TelemetryTables.h"

namespace infrasage::storage {

struct StreamTarget {
    std::string_view table;
    std::string_view columns;
};

// Stream ids 0..5 are the telemetry types, in TelemetryType order.
inline StreamId telemetryStream(TelemetryType type) {
    return static_cast<StreamId>(type);
}

// Stream 9: OTLP log records (otlp/LogDecoder) into the logs table with its severity columns
// (migration 5). Stream 1, the JSON path, keeps the telemetry column list.
inline constexpr StreamId kOtlpLogsStream = 9;
inline constexpr char kOtlpLogColumnList[] =
    "tenant_id, service_id, timestamp, timestamp_nanos, body, trace_id, attr_keys, attr_values, "
    "received_at, severity_text, severity_number";
// RowBinary: the logs table's telemetry columns, then String, UInt8.

// Stream 16: the audit log (rows encoded by audit/AuditRowCodec in kAuditLogColumns order).
inline constexpr StreamId kAuditStream = 16;
inline constexpr std::string_view kAuditLogTable = "infrasage_audit_log";
// A char array so that it can also be a compile-time SqlFragment (SELECT lists).
inline constexpr char kAuditLogColumnList[] =
    "tenant_id, timestamp, timestamp_ms, event_id, chain_id, seq, prev_hash, hash, actor, "
    "actor_type, action, resource, outcome, status, client_ip, user_agent, request_id, details";
inline constexpr std::string_view kAuditLogColumns = kAuditLogColumnList;

// The table and column list for a stream id; nullopt for an id this build does not know.
std::optional<StreamTarget> streamTarget(StreamId stream);

}  // namespace infrasage::storage
