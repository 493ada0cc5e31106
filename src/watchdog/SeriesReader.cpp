#include "watchdog/SeriesReader.h"

#include <utility>

#include "storage/RowBinaryReader.h"
#include "storage/SampleTables.h"
#include "storage/TelemetryTables.h"

namespace infrasage::watchdog {

namespace {

// `toUInt32(intDiv(toUInt32(timestamp), step) * step) AS t`: the bucket start.
void appendBucket(storage::SqlBuilder& sql, int64_t step) {
    sql.sql("toUInt32(intDiv(toUInt32(timestamp), ")
        .integer(step)
        .sql(") * ")
        .integer(step)
        .sql(") AS t");
}

// Conditions on `timestamp` itself (not on an expression of it), so ClickHouse prunes the daily
// partitions and uses the primary key. Non-finite values are left out: one NaN would poison the
// bucket's average.
void appendWindow(storage::SqlBuilder& sql, int64_t since, int64_t until) {
    sql.sql(" WHERE timestamp >= toDateTime(")
        .integer(since)
        .sql(") AND timestamp < toDateTime(")
        .integer(until)
        .sql(") AND isFinite(value)");
}

}  // namespace

SeriesReader::SeriesReader(storage::ClickHouseClient& client, ShardSpec shard, int64_t step_seconds)
    : client_(client), shard_(shard), step_(step_seconds) {
    if (step_seconds <= 0) {
        throw std::invalid_argument("series reader: step must be positive");
    }
}

// Each source returns sum and count per (series, bucket), sorted together; parse() adds up the
// rows of one (series, bucket), so a bucket with points in both forms is one point, the average
// over all of them. (Merging the sorted rows here rather than with an outer GROUP BY saves
// ClickHouse re-hashing every (series, bucket) by its strings: on the test ClickHouse about 30%
// of the server's CPU for a 10,000-series hour of narrow samples.)
// The narrow side aggregates samples per (tenant, series id, bucket) before the join (fewer rows
// to join) and joins a de-duplicated series side (series rows may repeat): ALL INNER JOIN against
// unique right-hand keys is one match per sample row in 18.16 and in current releases alike
// (where ANY INNER JOIN would also collapse the left side's repeated keys). UNION ALL matches
// columns by position; both sides return (String, String, String, UInt32, Float64, UInt64).
std::string SeriesReader::querySql(int64_t since, int64_t until) const {
    const std::string& db = client_.options().database;
    storage::SqlBuilder sql(
        "SELECT tenant_id, service_id, metric_name, t, s, c FROM ("
        "SELECT tenant_id, service_id, metric_name, ");
    appendBucket(sql, step_);
    sql.sql(", sum(value) AS s, count() AS c FROM ");
    sql.qualified(db, storage::tableSpec(storage::TelemetryType::Metric).table);
    appendWindow(sql, since, until);
    shard_.appendCondition(sql);
    sql.sql(
        " GROUP BY tenant_id, service_id, metric_name, t"
        " UNION ALL "
        "SELECT tenant_id, series_service AS service_id, series_metric AS metric_name, t, s, c "
        "FROM (SELECT tenant_id, series_id, ");
    appendBucket(sql, step_);
    sql.sql(", sum(value) AS s, count() AS c FROM ");
    sql.qualified(db, storage::kSamplesTable);
    appendWindow(sql, since, until);
    if (!shard_.whole()) {
        // Other shards' samples are skipped before they are aggregated (a set of this shard's
        // series): without it every engine process would aggregate every sample.
        sql.sql(" AND (tenant_id, series_id) IN (SELECT tenant_id, series_id FROM ");
        appendShardSeries(sql, db);
        sql.sql(")");
    }
    sql.sql(
        " GROUP BY tenant_id, series_id, t) ALL INNER JOIN (SELECT tenant_id, series_id, "
        "any(service_id) AS series_service, any(metric_name) AS series_metric FROM ");
    appendShardSeries(sql, db);
    sql.sql(
        " GROUP BY tenant_id, series_id) USING (tenant_id, series_id))"
        " ORDER BY tenant_id, service_id, metric_name, t FORMAT RowBinary");
    return std::move(sql).take();
}

// `series table [WHERE <shard condition>]`. A series row's service and metric name never change
// (they are part of its fingerprint), so filtering rows keeps whole series. (Aggregates over these
// rows get names of their own: 18.16 would read an alias `service_id` in this WHERE as any(...).)
void SeriesReader::appendShardSeries(storage::SqlBuilder& sql, const std::string& db) const {
    sql.qualified(db, storage::kSeriesTable);
    if (!shard_.whole()) {
        sql.sql(" WHERE 1");
        shard_.appendCondition(sql);
    }
}

SeriesBatch SeriesReader::read(int64_t since, int64_t until) {
    return parse(client_.query(querySql(since, until)));
}

// Rows arrive ordered by (series, bucket); a bucket with points in both forms is two adjacent
// rows, added up here before the point is emitted.
SeriesBatch SeriesReader::parse(std::string_view body) {
    try {
        return parseRows(body);
    } catch (const SeriesReadError&) {
        throw;
    } catch (const std::runtime_error& e) {
        throw SeriesReadError(std::string("series read: ") + e.what());
    }
}

SeriesBatch SeriesReader::parseRows(std::string_view body) {
    SeriesBatch batch;
    storage::RowBinaryReader in(body);
    SeriesKey key;
    SeriesKey row_key;
    int64_t t = 0;
    double sum = 0.0;
    uint64_t count = 0;
    while (!in.atEnd()) {
        row_key.tenant_id = in.string();
        row_key.service_id = in.string();
        row_key.metric_name = in.string();
        const auto row_t = static_cast<int64_t>(in.fixed(4));
        const double row_sum = in.float64();
        const uint64_t row_count = in.fixed(8);
        if (row_count == 0) {
            throw SeriesReadError("series read: a bucket with no points");
        }
        if (count > 0 && row_t == t && row_key == key) {
            sum += row_sum;
            count += row_count;
            continue;
        }
        if (count > 0) {
            batch.add(key, detect::Point{t, sum / static_cast<double>(count)});
        }
        std::swap(key, row_key);
        t = row_t;
        sum = row_sum;
        count = row_count;
    }
    if (count > 0) {
        batch.add(key, detect::Point{t, sum / static_cast<double>(count)});
    }
    return batch;
}

}  // namespace infrasage::watchdog
