#include "storage/Migrations.h"

#include <array>

#include "storage/AnomalyTable.h"
#include "storage/SampleTables.h"
#include "storage/SqlLiteral.h"
#include "storage/Streams.h"

namespace infrasage::storage {

namespace {

// Migration 1: the six telemetry tables. tenant_id leads the sort key so each tenant's rows are
// contiguous and every tenant-filtered query reads only that tenant's granules. Daily partitions
// let RetentionJob drop whole days (18.16 has no TTL).
std::vector<std::string> telemetryTables(std::string_view database) {
    std::vector<std::string> statements;
    statements.reserve(kTelemetryTables.size());
    for (const auto& spec : kTelemetryTables) {
        statements.push_back(createTelemetryTableSql(database, spec));
    }
    return statements;
}

// Migration 2: the audit log. Sorted by tenant then time for GET /api/v1/audit; chain_id and seq
// complete the key so one chain's entries sit in seq order within a second. Daily partitions for
// RetentionJob, like the telemetry tables.
std::vector<std::string> auditLog(std::string_view database) {
    SqlBuilder sql("CREATE TABLE IF NOT EXISTS ");
    sql.qualified(database, kAuditLogTable);
    sql.sql(
        " (tenant_id String, timestamp DateTime, timestamp_ms UInt16, event_id String, "
        "chain_id String, seq UInt64, prev_hash String, hash String, actor String, "
        "actor_type String, action String, resource String, outcome String, status UInt16, "
        "client_ip String, user_agent String, request_id String, details String) "
        "ENGINE = MergeTree() PARTITION BY toYYYYMMDD(timestamp) "
        "ORDER BY (tenant_id, timestamp, chain_id, seq)");
    return {std::move(sql).take()};
}

// Migration 3: the Watchdog's anomalies (storage/AnomalyTable explains the engine choice).
std::vector<std::string> anomalies(std::string_view database) {
    return {createAnomaliesTableSql(database)};
}

// Migration 4: narrow metric storage (series once, samples narrow) and OTLP spans
// (storage/SampleTables explains why).
std::vector<std::string> samplesAndSpans(std::string_view database) {
    return {createSeriesTableSql(database), createSamplesTableSql(database),
            createSpansTableSql(database)};
}

// Migration 5: severity on the logs table, for OTLP log records (stream kOtlpLogsStream; the JSON
// path's stream 1 leaves both at their defaults). One column per statement: 18.16 has no
// ADD COLUMN IF NOT EXISTS, and SchemaMigrations counts an ADD COLUMN whose column already exists
// as applied, so a migration that stopped halfway re-runs cleanly.
std::vector<std::string> logSeverity(std::string_view database) {
    std::vector<std::string> statements;
    SqlBuilder text("ALTER TABLE ");
    text.qualified(database, tableSpec(TelemetryType::Log).table);
    text.sql(" ADD COLUMN severity_text String");
    statements.push_back(std::move(text).take());
    SqlBuilder number("ALTER TABLE ");
    number.qualified(database, tableSpec(TelemetryType::Log).table);
    number.sql(" ADD COLUMN severity_number UInt8");
    statements.push_back(std::move(number).take());
    return statements;
}

constexpr std::array kMigrations{
    Migration{1, "telemetry tables", &telemetryTables},
    Migration{2, "audit log", &auditLog},
    Migration{3, "anomalies", &anomalies},
    Migration{4, "series, samples and spans", &samplesAndSpans},
    Migration{5, "log severity", &logSeverity},
};

}  // namespace

std::span<const Migration> migrations() {
    return kMigrations;
}

std::string createTelemetryTableSql(std::string_view database, const TelemetryTableSpec& spec) {
    SqlBuilder sql("CREATE TABLE IF NOT EXISTS ");
    sql.qualified(database, spec.table);
    sql.sql(" (tenant_id String, service_id String, timestamp DateTime, timestamp_nanos UInt32, ");
    if (spec.has_metric) {
        sql.sql("metric_name String, value Float64, ");
    }
    if (spec.has_body) {
        sql.sql("body String, ");
    }
    sql.sql(
        "trace_id String, attr_keys Array(String), attr_values Array(String), "
        "received_at DateTime) ENGINE = MergeTree() PARTITION BY toYYYYMMDD(timestamp) ");
    if (spec.has_metric) {
        sql.sql("ORDER BY (tenant_id, service_id, metric_name, timestamp)");
    } else {
        sql.sql("ORDER BY (tenant_id, service_id, timestamp)");
    }
    return std::move(sql).take();
}

}  // namespace infrasage::storage
