#include "storage/AnomalyTable.h"

#include "storage/SqlLiteral.h"

namespace infrasage::storage {

// Sorted by tenant then time (the list endpoint's order); monthly partitions keep every version
// of a row in one partition (detected_at never changes), which ReplacingMergeTree needs to merge
// them.
std::string createAnomaliesTableSql(std::string_view database) {
    SqlBuilder sql("CREATE TABLE IF NOT EXISTS ");
    sql.qualified(database, kAnomaliesTable);
    sql.sql(
        " (tenant_id String, anomaly_id String, service_id String, metric_name String, "
        "detected_at DateTime, value Float64, expected Float64, lower Float64, upper Float64, "
        "z_score Float64, anomaly_score Float64, severity String, detector String, "
        "rca_triggered UInt8, status String, status_changed_at DateTime, "
        "status_changed_by String, version UInt64) "
        "ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMM(detected_at) "
        "ORDER BY (tenant_id, detected_at, anomaly_id)");
    return std::move(sql).take();
}

}  // namespace infrasage::storage
