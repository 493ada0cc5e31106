// Every reader of metrics sees both storage forms, against the real ClickHouse: wide rows
// (`infrasage_metrics`, the JSON endpoint) and narrow samples with their series rows
// (`infrasage_samples` + `infrasage_series`, remote write and OTLP), written here directly as SQL
// (independently of the product's encoders), including a repeated series row and two label sets
// of one metric name. The Watchdog's reader gives one point per bucket averaged over both forms
// and splits both forms across shards alike; the series and services endpoints (the real server,
// real credentials) include narrow data; another tenant's narrow rows never appear.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ServerTestBase.h"
#include "storage/SampleTables.h"
#include "storage/SchemaMigrations.h"
#include "support/ClickHouseTestEnv.h"
#include "watchdog/SeriesReader.h"

namespace infrasage::testing {
namespace {

constexpr int64_t kT0 = 1'699'999'980;  // a minute boundary

struct SeriesRow {
    std::string tenant;
    uint64_t series_id;
    std::string service;
    std::string metric;
    std::string host;  // the one label; two hosts are two label sets of one metric name
};

struct Sample {
    std::string tenant;
    uint64_t series_id;
    int64_t t;
    double value;
};

struct WideRow {
    std::string tenant;
    std::string service;
    std::string metric;
    int64_t t;
    double value;
};

// INSERT statements for the three tables, built with SqlBuilder literals (no product encoder).
class Rows {
  public:
    explicit Rows(std::string database) : database_(std::move(database)) {}

    void insert(storage::ClickHouseClient& client, const std::vector<SeriesRow>& series) const {
        storage::SqlBuilder sql("INSERT INTO ");
        sql.qualified(database_, storage::kSeriesTable)
            .sql(" (")
            .sql(storage::kSeriesColumnList)
            .sql(") VALUES ");
        for (size_t i = 0; i < series.size(); ++i) {
            const auto& s = series[i];
            separate(sql, i);
            sql.sql("(")
                .string(s.tenant)
                .sql(", ")
                .unsignedInteger(s.series_id)
                .sql(", ")
                .string(s.service)
                .sql(", ")
                .string(s.metric)
                .sql(", ['host'], [")
                .string(s.host)
                .sql("], now())");
        }
        client.query(sql.str());
    }

    void insert(storage::ClickHouseClient& client, const std::vector<Sample>& samples) const {
        storage::SqlBuilder sql("INSERT INTO ");
        sql.qualified(database_, storage::kSamplesTable)
            .sql(" (")
            .sql(storage::kSampleColumnList)
            .sql(") VALUES ");
        for (size_t i = 0; i < samples.size(); ++i) {
            const auto& s = samples[i];
            separate(sql, i);
            sql.sql("(")
                .string(s.tenant)
                .sql(", ")
                .unsignedInteger(s.series_id)
                .sql(", toDateTime(")
                .integer(s.t)
                .sql("), 0, ")
                .real(s.value)
                .sql(")");
        }
        client.query(sql.str());
    }

    void insert(storage::ClickHouseClient& client, const std::vector<WideRow>& rows) const {
        storage::SqlBuilder sql("INSERT INTO ");
        sql.qualified(database_, "infrasage_metrics")
            .sql(" (tenant_id, service_id, timestamp, metric_name, value) VALUES ");
        for (size_t i = 0; i < rows.size(); ++i) {
            const auto& r = rows[i];
            separate(sql, i);
            sql.sql("(")
                .string(r.tenant)
                .sql(", ")
                .string(r.service)
                .sql(", toDateTime(")
                .integer(r.t)
                .sql("), ")
                .string(r.metric)
                .sql(", ")
                .real(r.value)
                .sql(")");
        }
        client.query(sql.str());
    }

  private:
    static void separate(storage::SqlBuilder& sql, size_t row) {
        if (row > 0) {
            sql.sql(", ");
        }
    }

    std::string database_;
};

// ---- The Watchdog's reader ----

class NarrowSeriesReaderTest : public ::testing::Test {
  protected:
    NarrowSeriesReaderTest() { storage::SchemaMigrations(db_.client(), db_.name()).apply(); }

    watchdog::SeriesBatch read(watchdog::ShardSpec shard, int64_t since, int64_t until) {
        watchdog::SeriesReader reader(db_.client(), shard, 60);
        return reader.read(since, until);
    }

    ScratchDatabase db_{"it_narrow_reader"};
    Rows rows_{db_.name()};
};

std::map<int64_t, double> pointsOf(const watchdog::SeriesBatch& batch,
                                   const watchdog::SeriesKey& key) {
    std::map<int64_t, double> out;
    for (const auto& slice : batch.series) {
        if (slice.key == key) {
            EXPECT_TRUE(out.empty())
                << "two slices for " << key.tenant_id << "/" << key.metric_name;
            for (size_t i = slice.first; i < slice.first + slice.count; ++i) {
                out[batch.points[i].timestamp] = batch.points[i].value;
            }
        }
    }
    return out;
}

TEST_F(NarrowSeriesReaderTest, BothFormsMeetInOnePointPerBucketAveragedOverAllPoints) {
    // acme api/latency_ms: two label sets (series 1001 host=a, written twice; 1002 host=b).
    rows_.insert(db_.client(), std::vector<SeriesRow>{{"acme", 1001, "api", "latency_ms", "a"},
                                                      {"acme", 1001, "api", "latency_ms", "a"},
                                                      {"acme", 1002, "api", "latency_ms", "b"}});
    rows_.insert(db_.client(), std::vector<SeriesRow>{{"acme", 1001, "api", "latency_ms", "a"}});
    rows_.insert(db_.client(),
                 std::vector<Sample>{
                     // minute 0: 40 (host a), 70 and 100 (host b); a NaN that must not count
                     {"acme", 1001, kT0 + 5, 40},
                     {"acme", 1002, kT0 + 15, 70},
                     {"acme", 1002, kT0 + 45, 100},
                     {"acme", 1001, kT0 + 50, std::numeric_limits<double>::quiet_NaN()},
                     // minute 1: narrow only
                     {"acme", 1001, kT0 + 60, 1},
                     // after the window: not read
                     {"acme", 1001, kT0 + 600, 1e9},
                     // globex has samples under acme's series id but no series row of its own:
                     // they must not borrow acme's service and metric name.
                     {"globex", 1001, kT0 + 5, 1e6},
                 });
    rows_.insert(db_.client(), std::vector<WideRow>{
                                   {"acme", "api", "latency_ms", kT0 + 10, 10},  // minute 0
                                   {"acme", "api", "latency_ms", kT0 + 20, 20},  // minute 0
                                   {"acme", "api", "latency_ms", kT0 + 130, 5},  // minute 2
                               });

    const auto batch = read(watchdog::ShardSpec(), kT0, kT0 + 300);
    ASSERT_EQ(batch.series.size(), 1u);  // nothing for globex
    const watchdog::SeriesKey key{"acme", "api", "latency_ms"};
    const auto points = pointsOf(batch, key);
    // Minute 0 is the mean of all five points (10, 20, 40, 70, 100), not a mean of per-form or
    // per-label-set means (42.5 or 36.25), and the repeated series row does not count twice.
    EXPECT_EQ(points, (std::map<int64_t, double>{{kT0, 48.0}, {kT0 + 60, 1.0}, {kT0 + 120, 5.0}}));
}

TEST_F(NarrowSeriesReaderTest, EachTenantsNarrowSeriesStaysItsOwn) {
    // The same label set in two tenants has the same fingerprint: two series, never mixed.
    rows_.insert(db_.client(), std::vector<SeriesRow>{{"acme", 7, "api", "cpu", "a"},
                                                      {"globex", 7, "api", "cpu", "a"}});
    rows_.insert(db_.client(), std::vector<Sample>{{"acme", 7, kT0 + 1, 1.0},
                                                   {"acme", 7, kT0 + 2, 3.0},
                                                   {"globex", 7, kT0 + 1, 500.0}});
    const auto batch = read(watchdog::ShardSpec(), kT0, kT0 + 60);
    ASSERT_EQ(batch.series.size(), 2u);
    EXPECT_EQ(pointsOf(batch, {"acme", "api", "cpu"}), (std::map<int64_t, double>{{kT0, 2.0}}));
    EXPECT_EQ(pointsOf(batch, {"globex", "api", "cpu"}), (std::map<int64_t, double>{{kT0, 500.0}}));
}

TEST_F(NarrowSeriesReaderTest, ShardsSplitBothFormsByTheSameHash) {
    // 60 series: a third only wide, a third only narrow, a third in both forms (wide points in
    // minute 0, narrow in minute 1): each lands on one shard, with both of its points.
    constexpr uint32_t kShards = 3;
    std::vector<SeriesRow> series;
    std::vector<Sample> samples;
    std::vector<WideRow> wide;
    std::set<watchdog::SeriesKey> all;
    for (uint64_t s = 0; s < 60; ++s) {
        const std::string tenant = s % 2 == 0 ? "acme" : "globex";
        const std::string service = "svc-" + std::to_string(s % 7);
        const std::string metric = "m" + std::to_string(s);
        all.insert({tenant, service, metric});
        if (s % 3 != 1) {
            wide.push_back({tenant, service, metric, kT0 + 1, 1.0});
        }
        if (s % 3 != 0) {
            series.push_back({tenant, 5000 + s, service, metric, "a"});
            samples.push_back({tenant, 5000 + s, kT0 + 61, 2.0});
        }
    }
    rows_.insert(db_.client(), series);
    rows_.insert(db_.client(), samples);
    rows_.insert(db_.client(), wide);

    std::map<watchdog::SeriesKey, uint32_t> shard_of;
    for (uint32_t i = 0; i < kShards; ++i) {
        const auto batch = read(watchdog::ShardSpec(i, kShards), kT0, kT0 + 120);
        EXPECT_FALSE(batch.series.empty()) << "shard " << i << " got nothing";
        for (const auto& slice : batch.series) {
            EXPECT_TRUE(shard_of.emplace(slice.key, i).second)
                << slice.key.metric_name << " in two shards";
            const uint64_t s = std::stoull(slice.key.metric_name.substr(1));
            EXPECT_EQ(slice.count, s % 3 == 2 ? 2u : 1u) << slice.key.metric_name;
        }
    }
    ASSERT_EQ(shard_of.size(), all.size());
    // The shard is cityHash64(tenant_id, service_id, metric_name) % n, as ClickHouse computes it
    // for the wide rows, for every series whichever form it came in.
    for (const auto& [key, shard] : shard_of) {
        const auto expected = db_.client().query(storage::SqlBuilder("SELECT cityHash64(")
                                                     .string(key.tenant_id)
                                                     .sql(", ")
                                                     .string(key.service_id)
                                                     .sql(", ")
                                                     .string(key.metric_name)
                                                     .sql(") % ")
                                                     .unsignedInteger(kShards)
                                                     .str());
        EXPECT_EQ(expected, std::to_string(shard) + "\n") << key.metric_name;
    }
}

// ---- The read API ----

class NarrowMetricsApiTest : public ServerTestBase {
  protected:
    void SetUp() override {
        ServerTestBase::SetUp();
        server_->start();
        other_tenant_ = tenant_ + "-b";
        other_key_ = createApiKey(other_tenant_, "full");
        rows_ = Rows(slug_);
        for (const auto table : {std::string_view("infrasage_metrics"), storage::kSeriesTable,
                                 storage::kSamplesTable}) {
            ASSERT_TRUE(waitForTable(table)) << table << " never created";
        }
    }

    httplib::Result get(const std::string& path, const std::string& key = "") const {
        if (key.empty()) {
            return client().Get(path);
        }
        httplib::Client c("127.0.0.1", server_->port());
        c.set_read_timeout(30, 0);
        return c.Get(path, httplib::Headers{{"X-API-Key", key}});
    }

    // The series endpoint's values by bucket start.
    std::map<int64_t, double> series(const std::string& service, const std::string& metric,
                                     int64_t since, int64_t until, const std::string& key = "") {
        auto r = get("/api/v1/metrics/series?service_id=" + service + "&metric_name=" + metric +
                         "&since=" + std::to_string(since * 1000) +
                         "&until=" + std::to_string(until * 1000) + "&step=60",
                     key);
        EXPECT_TRUE(r);
        if (!r) {
            return {};
        }
        EXPECT_EQ(r->status, 200) << r->body;
        std::map<int64_t, double> out;
        const auto body = json(r);  // kept: the loop below reads into it
        for (const auto& p : body["points"]) {
            out[p["timestamp"].get<int64_t>()] = p["value"].get<double>();
        }
        return out;
    }

    std::vector<std::string> services(const std::string& key = "") {
        auto r = get("/api/v1/services", key);
        EXPECT_TRUE(r);
        if (!r) {
            return {};
        }
        EXPECT_EQ(r->status, 200) << r->body;
        std::vector<std::string> out;
        const auto body = json(r);
        for (const auto& s : body["services"]) {
            out.push_back(s["service_id"]);
        }
        return out;
    }

    std::string other_tenant_;
    std::string other_key_;
    Rows rows_{""};  // for slug_, set in SetUp()
};

TEST_F(NarrowMetricsApiTest, SeriesAveragesBothFormsAndOnlyTheTenantsOwnRows) {
    const int64_t start = (std::time(nullptr) - 3 * 3600) / 60 * 60;
    const std::string a = tenant_;
    const std::string b = other_tenant_;
    // Ours: two label sets (series 11, written twice; 12) plus wide rows of the same series.
    // B's: the same label set (same id 11), and a series 99 that exists only in B.
    rows_.insert(database_->client(), std::vector<SeriesRow>{{a, 11, "checkout", "latency", "h1"},
                                                             {a, 11, "checkout", "latency", "h1"},
                                                             {a, 12, "checkout", "latency", "h2"},
                                                             {b, 11, "checkout", "latency", "h1"},
                                                             {b, 99, "checkout", "latency", "h9"}});
    rows_.insert(database_->client(), std::vector<SeriesRow>{{a, 11, "checkout", "latency", "h1"}});
    rows_.insert(database_->client(),
                 std::vector<Sample>{
                     {a, 11, start + 5, 10},    // minute 0
                     {a, 12, start + 6, 20},    // minute 0
                     {a, 11, start + 65, 30},   // minute 1
                     {a, 99, start + 7, 5000},  // ours, but 99 is only B's series: not counted
                     {b, 11, start + 8, 1e6},   // B's minute 0
                     {b, 12, start + 9, 2e6},   // B has no series 12: nothing
                 });
    rows_.insert(database_->client(),
                 std::vector<WideRow>{{a, "checkout", "latency", start + 30, 60},
                                      {a, "checkout", "latency", start + 150, 7}});

    EXPECT_EQ(series("checkout", "latency", start, start + 600),
              (std::map<int64_t, double>{{start, 30.0}, {start + 60, 30.0}, {start + 120, 7.0}}));
    EXPECT_EQ(series("checkout", "latency", start, start + 600, other_key_),
              (std::map<int64_t, double>{{start, 1e6}}));
    // A name that only B uses: nothing for us.
    rows_.insert(database_->client(), std::vector<SeriesRow>{{b, 98, "bravo", "only_b", "h"}});
    rows_.insert(database_->client(), std::vector<Sample>{{b, 98, start + 5, 1.0}});
    EXPECT_TRUE(series("bravo", "only_b", start, start + 600).empty());
    EXPECT_EQ(series("bravo", "only_b", start, start + 600, other_key_).size(), 1u);
}

TEST_F(NarrowMetricsApiTest, ServicesIncludeNarrowOnlyServicesOfTheTenantOnly) {
    const int64_t now = std::time(nullptr);
    const std::string a = tenant_;
    const std::string b = other_tenant_;
    rows_.insert(database_->client(),
                 std::vector<SeriesRow>{{a, 21, "narrow-only", "up", "h1"},
                                        {a, 21, "narrow-only", "up", "h1"},  // repeated row
                                        {a, 22, "narrow-only", "up", "h2"},
                                        {a, 23, "stale", "up", "h1"},
                                        {a, 24, "both", "up", "h1"},
                                        {b, 21, "bravo-narrow", "up", "h1"},
                                        {b, 25, "bravo-borrowed", "up", "h1"}});
    rows_.insert(database_->client(),
                 std::vector<Sample>{{a, 21, now - 60, 1},
                                     {a, 22, now - 60, 1},
                                     {a, 23, now - 3 * 86400, 1},  // before the default since
                                     {a, 24, now - 60, 1},
                                     {a, 25, now - 60, 1},  // only B has a series 25
                                     {b, 21, now - 60, 1}});
    rows_.insert(database_->client(), std::vector<WideRow>{{a, "both", "up", now - 60, 1},
                                                           {a, "wide-only", "up", now - 60, 1}});

    EXPECT_EQ(services(), (std::vector<std::string>{"both", "narrow-only", "wide-only"}));
    EXPECT_EQ(services(other_key_), (std::vector<std::string>{"bravo-narrow"}));
}

}  // namespace
}  // namespace infrasage::testing
