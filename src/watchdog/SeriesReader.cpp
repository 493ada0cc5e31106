#include "watchdog/SeriesReader.h"

#include <bit>
#include <cstring>

#include "storage/SampleTables.h"
#include "storage/TelemetryTables.h"

namespace infrasage::watchdog {

namespace {

// Cursor over a RowBinary body: varint-prefixed strings, little-endian fixed-width numbers.
class RowBinaryCursor {
  public:
    explicit RowBinaryCursor(std::string_view body) : body_(body) {}

    bool atEnd() const { return offset_ == body_.size(); }

    std::string string() {
        uint64_t length = varUInt();
        return std::string(take(length));
    }

    uint32_t uint32() {
        auto bytes = take(4);
        uint32_t value = 0;
        for (size_t i = 0; i < 4; ++i) {
            value |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << (8U * i);
        }
        return value;
    }

    double float64() {
        auto bytes = take(8);
        uint64_t bits = 0;
        for (size_t i = 0; i < 8; ++i) {
            bits |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[i])) << (8U * i);
        }
        return std::bit_cast<double>(bits);
    }

  private:
    uint64_t varUInt() {
        uint64_t value = 0;
        for (unsigned shift = 0; shift < 64; shift += 7) {
            auto byte = static_cast<unsigned char>(take(1)[0]);
            value |= static_cast<uint64_t>(byte & 0x7fU) << shift;
            if ((byte & 0x80U) == 0) {
                return value;
            }
        }
        throw SeriesReadError("series read: malformed length in RowBinary");
    }

    std::string_view take(uint64_t n) {
        if (n > body_.size() - offset_) {
            throw SeriesReadError("series read: truncated RowBinary body");
        }
        auto out = body_.substr(offset_, static_cast<size_t>(n));
        offset_ += static_cast<size_t>(n);
        return out;
    }

    std::string_view body_;
    size_t offset_ = 0;
};

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

// Each source returns sum and count per (series, bucket); the outer query adds them up, so a bucket
// with points in both forms is one point, the average over all of them. The narrow side
// aggregates samples per (tenant, series id, bucket) before the join (fewer rows to join), and
// joins a de-duplicated series side (series rows may repeat): ALL INNER JOIN against unique
// right-hand keys is one match per sample row in 18.16 and in current releases alike (where ANY
// INNER JOIN would also collapse the left side's repeated keys). UNION ALL matches columns by
// position; both sides return (String, String, String, UInt32, Float64, UInt64).
std::string SeriesReader::querySql(int64_t since, int64_t until) const {
    const std::string& db = client_.options().database;
    storage::SqlBuilder sql(
        "SELECT tenant_id, service_id, metric_name, t, sum(s) / sum(c) AS v FROM ("
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
    sql.sql(
        " GROUP BY tenant_id, series_id, t) ALL INNER JOIN (SELECT tenant_id, series_id, "
        "any(service_id) AS series_service, any(metric_name) AS series_metric FROM ");
    sql.qualified(db, storage::kSeriesTable);
    if (!shard_.whole()) {
        // A series row's service and metric name never change (they are part of its
        // fingerprint), so filtering before de-duplicating keeps whole series. (The aggregates
        // have names of their own: 18.16 would read an alias `service_id` here as any(...).)
        sql.sql(" WHERE 1");
        shard_.appendCondition(sql);
    }
    sql.sql(
        " GROUP BY tenant_id, series_id) USING (tenant_id, series_id))"
        " GROUP BY tenant_id, service_id, metric_name, t"
        " ORDER BY tenant_id, service_id, metric_name, t FORMAT RowBinary");
    return std::move(sql).take();
}

SeriesBatch SeriesReader::read(int64_t since, int64_t until) {
    return parse(client_.query(querySql(since, until)));
}

SeriesBatch SeriesReader::parse(std::string_view body) {
    SeriesBatch batch;
    RowBinaryCursor in(body);
    SeriesKey key;
    while (!in.atEnd()) {
        key.tenant_id = in.string();
        key.service_id = in.string();
        key.metric_name = in.string();
        int64_t t = in.uint32();
        double value = in.float64();
        batch.add(key, detect::Point{t, value});
    }
    return batch;
}

}  // namespace infrasage::watchdog
