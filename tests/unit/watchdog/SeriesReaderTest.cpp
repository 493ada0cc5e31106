// SeriesReader without a server: the statement it sends and the parsing of RowBinary answers
// (the real server is exercised in tests/integration/watchdog_test.cpp).
#include <gtest/gtest.h>

#include <bit>

#include "watchdog/SeriesReader.h"

namespace infrasage::watchdog {
namespace {

class Body {
  public:
    Body& string(std::string_view s) {
        data_ += static_cast<char>(s.size());  // short strings: one-byte varint
        data_.append(s);
        return *this;
    }
    Body& uint32(uint32_t v) { return le(v, 4); }
    Body& uint64(uint64_t v) { return le(v, 8); }
    Body& float64(double v) { return le(std::bit_cast<uint64_t>(v), 8); }
    const std::string& data() const { return data_; }

  private:
    Body& le(uint64_t v, unsigned n) {
        for (unsigned i = 0; i < n; ++i) {
            data_ += static_cast<char>((v >> (8U * i)) & 0xffU);
        }
        return *this;
    }
    std::string data_;
};

// One (series, bucket) row: the sum and count of its points in one storage form.
Body row(Body body, const char* tenant, const char* metric, uint32_t t, double sum,
         uint64_t count = 1) {
    return body.string(tenant).string("svc").string(metric).uint32(t).float64(sum).uint64(count);
}

TEST(SeriesReaderTest, GroupsConsecutiveRowsIntoSeriesSlices) {
    Body body;
    body = row(body, "a", "cpu", 60, 1.5);
    body = row(body, "a", "cpu", 120, 2.5);
    body = row(body, "a", "mem", 60, 7);
    body = row(body, "b", "cpu", 60, -3);
    auto batch = SeriesReader::parse(body.data());
    ASSERT_EQ(batch.series.size(), 3u);
    ASSERT_EQ(batch.points.size(), 4u);
    EXPECT_EQ(batch.series[0].key, (SeriesKey{"a", "svc", "cpu"}));
    EXPECT_EQ(batch.series[0].count, 2u);
    EXPECT_EQ(batch.points[1].timestamp, 120);
    EXPECT_EQ(batch.points[1].value, 2.5);
    EXPECT_EQ(batch.series[1].key, (SeriesKey{"a", "svc", "mem"}));
    EXPECT_EQ(batch.series[2].key.tenant_id, "b");  // same service and metric, other tenant
    EXPECT_EQ(batch.series[2].first, 3u);
    EXPECT_EQ(batch.points[3].value, -3);
}

// A bucket with points in both forms comes as two adjacent rows: one point, the average of all.
TEST(SeriesReaderTest, RowsOfOneSeriesAndBucketBecomeOnePointWeightedByCounts) {
    Body body;
    body = row(body, "a", "cpu", 60, 30.0, 2);   // wide: two points averaging 15
    body = row(body, "a", "cpu", 60, 210.0, 3);  // narrow: three points averaging 70
    body = row(body, "a", "cpu", 120, 1.0, 1);
    body = row(body, "a", "mem", 120, 8.0, 2);  // same bucket, other series: not merged
    body = row(body, "b", "mem", 120, 5.0, 1);  // same names, other tenant: not merged
    auto batch = SeriesReader::parse(body.data());
    ASSERT_EQ(batch.series.size(), 3u);
    ASSERT_EQ(batch.points.size(), 4u);
    EXPECT_EQ(batch.series[0].count, 2u);
    EXPECT_EQ(batch.points[0].timestamp, 60);
    EXPECT_DOUBLE_EQ(batch.points[0].value, 48.0);  // 240 / 5, not (15 + 70) / 2
    EXPECT_EQ(batch.points[1].value, 1.0);
    EXPECT_EQ(batch.points[2].value, 4.0);
    EXPECT_EQ(batch.series[2].key, (SeriesKey{"b", "svc", "mem"}));
    EXPECT_EQ(batch.points[3].value, 5.0);
}

TEST(SeriesReaderTest, RowWithoutPointsIsRefused) {
    EXPECT_THROW(SeriesReader::parse(row(Body(), "a", "cpu", 60, 0.0, 0).data()), SeriesReadError);
}

TEST(SeriesReaderTest, EmptyAnswerIsAnEmptyBatch) {
    auto batch = SeriesReader::parse("");
    EXPECT_TRUE(batch.series.empty());
    EXPECT_TRUE(batch.points.empty());
}

TEST(SeriesReaderTest, TruncatedAnswerIsRefused) {
    auto full = row(Body(), "a", "cpu", 60, 1.5).data();
    for (size_t length = 1; length < full.size(); ++length) {
        EXPECT_THROW(SeriesReader::parse(std::string_view(full).substr(0, length)), SeriesReadError)
            << length;
    }
}

TEST(SeriesReaderTest, QueryReadsClosedBucketsOfItsShardOnly) {
    storage::ClickHouseOptions options;
    options.database = "infra";
    storage::ClickHouseClient client(options);  // never contacted here
    SeriesReader reader(client, ShardSpec(2, 3), 60);
    auto sql = reader.querySql(1700000040, 1700003640);
    EXPECT_NE(sql.find("FROM `infra`.`infrasage_metrics`"), std::string::npos) << sql;
    EXPECT_NE(sql.find("timestamp >= toDateTime(1700000040) AND timestamp < "
                       "toDateTime(1700003640)"),
              std::string::npos)
        << sql;
    EXPECT_NE(sql.find("intDiv(toUInt32(timestamp), 60) * 60"), std::string::npos) << sql;
    EXPECT_NE(sql.find("cityHash64(tenant_id, service_id, metric_name) % 3 = 2"), std::string::npos)
        << sql;
    EXPECT_NE(sql.find("GROUP BY tenant_id, service_id, metric_name, t"), std::string::npos);
    EXPECT_NE(sql.find("FORMAT RowBinary"), std::string::npos);
}

size_t occurrences(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

// The narrow form: samples in the same window, joined to their (de-duplicated) series, split by
// the same hash as the wide rows, and summed with them into one point per bucket.
TEST(SeriesReaderTest, QueryAddsNarrowSamplesJoinedToTheirSeries) {
    storage::ClickHouseOptions options;
    options.database = "infra";
    storage::ClickHouseClient client(options);
    auto sql = SeriesReader(client, ShardSpec(2, 3), 60).querySql(1700000040, 1700003640);
    EXPECT_NE(sql.find("FROM `infra`.`infrasage_samples` WHERE timestamp >= "
                       "toDateTime(1700000040) AND timestamp < toDateTime(1700003640) AND "
                       "isFinite(value)"),
              std::string::npos)
        << sql;
    EXPECT_NE(sql.find("ALL INNER JOIN (SELECT tenant_id, series_id, any(service_id) AS "
                       "series_service, any(metric_name) AS series_metric FROM "
                       "`infra`.`infrasage_series` WHERE 1 AND cityHash64"),
              std::string::npos)
        << sql;
    EXPECT_NE(sql.find("GROUP BY tenant_id, series_id) USING (tenant_id, series_id)"),
              std::string::npos)
        << sql;
    // On the wide rows, on the samples (a set of the shard's series) and on the joined series.
    EXPECT_EQ(occurrences(sql, "cityHash64(tenant_id, service_id, metric_name) % 3 = 2"), 3u)
        << sql;
    EXPECT_NE(sql.find("isFinite(value) AND (tenant_id, series_id) IN (SELECT tenant_id, "
                       "series_id FROM `infra`.`infrasage_series` WHERE 1 AND cityHash64"),
              std::string::npos)
        << sql;
    EXPECT_EQ(occurrences(sql, " UNION ALL "), 1u) << sql;
    EXPECT_NE(sql.find("SELECT tenant_id, service_id, metric_name, t, s, c FROM ("),
              std::string::npos)
        << sql;
    EXPECT_NE(sql.find(") ORDER BY tenant_id, service_id, metric_name, t FORMAT RowBinary"),
              std::string::npos)
        << sql;
    EXPECT_EQ(sql.find("ANY "), std::string::npos) << sql;  // ANY INNER differs across versions
}

TEST(SeriesReaderTest, WholeSpaceHasNoShardCondition) {
    storage::ClickHouseOptions options;
    options.database = "infra";
    storage::ClickHouseClient client(options);
    auto sql = SeriesReader(client, ShardSpec(), 60).querySql(1700000040, 1700003640);
    EXPECT_EQ(sql.find("cityHash64"), std::string::npos) << sql;
    EXPECT_EQ(sql.find(" IN "), std::string::npos) << sql;
    EXPECT_NE(sql.find("FROM `infra`.`infrasage_series` GROUP BY tenant_id, series_id"),
              std::string::npos)
        << sql;
}

}  // namespace
}  // namespace infrasage::watchdog
