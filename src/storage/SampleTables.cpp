#include "storage/SampleTables.h"

#include "storage/SqlLiteral.h"

namespace infrasage::storage {

// No partitions: series rows are few (one per label set) and outlive sample retention.
std::string createSeriesTableSql(std::string_view database) {
    SqlBuilder sql("CREATE TABLE IF NOT EXISTS ");
    sql.qualified(database, kSeriesTable);
    sql.sql(
        " (tenant_id String, series_id UInt64, service_id String, metric_name String, "
        "label_keys Array(String), label_values Array(String), first_seen DateTime) "
        "ENGINE = ReplacingMergeTree() ORDER BY (tenant_id, series_id)");
    return std::move(sql).take();
}

// Daily partitions for RetentionJob, like the telemetry tables; one series' samples contiguous.
std::string createSamplesTableSql(std::string_view database) {
    SqlBuilder sql("CREATE TABLE IF NOT EXISTS ");
    sql.qualified(database, kSamplesTable);
    sql.sql(
        " (tenant_id String, series_id UInt64, timestamp DateTime, timestamp_ms UInt16, "
        "value Float64) ENGINE = MergeTree() PARTITION BY toYYYYMMDD(timestamp) "
        "ORDER BY (tenant_id, series_id, timestamp)");
    return std::move(sql).take();
}

// Sorted by tenant, service and time (the graph and trace listings); trace_id lookups scan a
// tenant's time range.
std::string createSpansTableSql(std::string_view database) {
    SqlBuilder sql("CREATE TABLE IF NOT EXISTS ");
    sql.qualified(database, kSpansTable);
    sql.sql(
        " (tenant_id String, trace_id String, span_id String, parent_span_id String, "
        "service_id String, name String, kind String, start_time DateTime, "
        "start_time_nanos UInt32, duration_nanos UInt64, status_code String, "
        "status_message String, attr_keys Array(String), attr_values Array(String), "
        "received_at DateTime) ENGINE = MergeTree() PARTITION BY toYYYYMMDD(start_time) "
        "ORDER BY (tenant_id, service_id, start_time)");
    return std::move(sql).take();
}

}  // namespace infrasage::storage
