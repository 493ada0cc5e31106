#include "storage/Migrations.h"

#include <array>

#include "storage/SqlLiteral.h"

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

constexpr std::array kMigrations{
    Migration{1, "telemetry tables", &telemetryTables},
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
