#include "watchdog/SeriesReader.h"

#include <bit>
#include <cstring>

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

}  // namespace

SeriesReader::SeriesReader(storage::ClickHouseClient& client, ShardSpec shard, int64_t step_seconds)
    : client_(client), shard_(shard), step_(step_seconds) {
    if (step_seconds <= 0) {
        throw std::invalid_argument("series reader: step must be positive");
    }
}

// Conditions on `timestamp` itself (not on an expression of it), so ClickHouse prunes the daily
// partitions and uses the primary key. Non-finite values are left out: one NaN would poison the
// bucket's average.
std::string SeriesReader::querySql(int64_t since, int64_t until) const {
    storage::SqlBuilder sql(
        "SELECT tenant_id, service_id, metric_name, toUInt32(intDiv(toUInt32("
        "timestamp), ");
    sql.integer(step_).sql(") * ").integer(step_).sql(") AS t, avg(value) AS v FROM ");
    sql.qualified(client_.options().database,
                  storage::tableSpec(storage::TelemetryType::Metric).table);
    sql.sql(" WHERE timestamp >= toDateTime(")
        .integer(since)
        .sql(") AND timestamp < toDateTime(")
        .integer(until)
        .sql(") AND isFinite(value)");
    shard_.appendCondition(sql);
    sql.sql(
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
