// SampleIngestService against a real write-ahead log (fsync off): what reaches the series and
// samples streams, what is dropped and counted, what refuses the whole request.
#include <gtest/gtest.h>
#include <xxhash.h>

#include <bit>
#include <cmath>
#include <filesystem>
#include <limits>
#include <random>
#include <vector>

#include "RowBinaryReader.h"
#include "ingest/SampleIngestService.h"
#include "storage/SampleTables.h"
#include "support/ApiErrorCapture.h"

namespace infrasage::ingest {
namespace {

namespace fs = std::filesystem;
using infrasage::testing::Err;
using infrasage::testing::errorOf;

constexpr int64_t kNowMs = 1700000000000;

struct SeriesRow {
    std::string tenant;
    uint64_t id = 0;
    std::string service;
    std::string metric;
    std::vector<std::string> keys;
    std::vector<std::string> values;
    uint32_t first_seen = 0;
};

struct SampleRow {
    std::string tenant;
    uint64_t id = 0;
    uint32_t seconds = 0;
    uint16_t millis = 0;
    double value = 0;
};

std::vector<std::string> readStrings(testing::RowBinaryReader& r) {
    std::vector<std::string> out(static_cast<std::size_t>(r.readVarUInt()));
    for (auto& s : out) {
        s = r.readString();
    }
    return out;
}

class SampleIngestServiceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ =
            fs::temp_directory_path() / ("sample-ingest-" + std::to_string(std::random_device{}()));
        open(1ull << 30);
    }
    void TearDown() override {
        service_.reset();
        wal_.reset();
        fs::remove_all(dir_);
    }

    void open(uint64_t max_pending, unsigned max_inflight = 4) {
        service_.reset();
        wal_.reset();
        wal::WalOptions options;
        options.dir = dir_;
        options.fsync = false;
        options.max_pending_bytes = max_pending;
        wal_ = std::make_unique<wal::WriteAheadLog>(options);
        service_ = std::make_unique<SampleIngestService>(*wal_, SampleLimits{}, clock_, metrics_,
                                                         max_inflight, 1000);
    }

    // Everything appended since the last call, decoded.
    void drain() {
        series_.clear();
        samples_.clear();
        commits_ = wal_->commitCount() - commits_seen_;
        commits_seen_ = wal_->commitCount();
        auto records = wal_->read(position_, 1ull << 30, std::chrono::milliseconds(0));
        for (const auto& rec : records) {
            position_ = rec.end;
            testing::RowBinaryReader r(rec.payload);
            for (uint32_t i = 0; i < rec.row_count; ++i) {
                if (rec.stream == storage::kSeriesStream) {
                    SeriesRow row;
                    row.tenant = r.readString();
                    row.id = r.readLittleEndian(8);
                    row.service = r.readString();
                    row.metric = r.readString();
                    row.keys = readStrings(r);
                    row.values = readStrings(r);
                    row.first_seen = r.readUInt32();
                    series_.push_back(row);
                } else {
                    ASSERT_EQ(rec.stream, storage::kSamplesStream);
                    SampleRow row;
                    row.tenant = r.readString();
                    row.id = r.readLittleEndian(8);
                    row.seconds = r.readUInt32();
                    row.millis = static_cast<uint16_t>(r.readLittleEndian(2));
                    row.value = std::bit_cast<double>(r.readLittleEndian(8));
                    samples_.push_back(row);
                }
            }
            EXPECT_TRUE(r.atEnd());
        }
    }

    fs::path dir_;
    ManualClock clock_{kNowMs * 1000000};
    observability::Metrics metrics_;
    std::unique_ptr<wal::WriteAheadLog> wal_;
    std::unique_ptr<SampleIngestService> service_;
    wal::WalPosition position_{};
    uint64_t commits_seen_ = 0;
    uint64_t commits_ = 0;
    std::vector<SeriesRow> series_;
    std::vector<SampleRow> samples_;
};

TEST_F(SampleIngestServiceTest, NewSeriesOnceThenOnlySamplesInOneCommitPerRequest) {
    const std::vector<LabelView> labels{{"mode", "idle"}, {"cpu", "0"}};  // unsorted on purpose
    const std::vector<SamplePoint> points{{kNowMs - 1500, 12.5}, {kNowMs - 500, 13.0}};
    const std::vector<SeriesSamples> batch{{"node", "node_cpu_seconds_total", labels, points}};

    auto outcome = service_->ingest("tenant-a", batch);
    EXPECT_EQ(outcome.accepted_samples, 2u);
    EXPECT_EQ(outcome.accepted_series, 1u);
    EXPECT_EQ(outcome.new_series, 1u);
    EXPECT_EQ(outcome.rejected_samples, 0u);
    drain();
    EXPECT_EQ(commits_, 1u);  // series and samples frames in one group commit
    ASSERT_EQ(series_.size(), 1u);
    const auto id = seriesFingerprint("node", "node_cpu_seconds_total", labels);
    EXPECT_EQ(series_[0].tenant, "tenant-a");
    EXPECT_EQ(series_[0].id, id);
    EXPECT_EQ(series_[0].service, "node");
    EXPECT_EQ(series_[0].metric, "node_cpu_seconds_total");
    EXPECT_EQ(series_[0].keys, (std::vector<std::string>{"cpu", "mode"}));  // sorted
    EXPECT_EQ(series_[0].values, (std::vector<std::string>{"0", "idle"}));
    EXPECT_EQ(series_[0].first_seen, static_cast<uint32_t>(kNowMs / 1000));
    ASSERT_EQ(samples_.size(), 2u);
    EXPECT_EQ(samples_[0].tenant, "tenant-a");
    EXPECT_EQ(samples_[0].id, id);
    EXPECT_EQ(samples_[0].seconds, static_cast<uint32_t>((kNowMs - 1500) / 1000));
    EXPECT_EQ(samples_[0].millis, (kNowMs - 1500) % 1000);
    EXPECT_EQ(samples_[0].value, 12.5);
    EXPECT_EQ(samples_[1].value, 13.0);

    outcome = service_->ingest("tenant-a", batch);
    EXPECT_EQ(outcome.new_series, 0u);
    drain();
    EXPECT_TRUE(series_.empty());  // cached: written once per process
    EXPECT_EQ(samples_.size(), 2u);

    service_->ingest("tenant-b", batch);  // the cache is per tenant
    drain();
    ASSERT_EQ(series_.size(), 1u);
    EXPECT_EQ(series_[0].tenant, "tenant-b");
    EXPECT_EQ(samples_[0].tenant, "tenant-b");
}

TEST_F(SampleIngestServiceTest, FingerprintIsPinnedOrderIndependentAndUnambiguous) {
    const std::vector<LabelView> ab{{"a", "1"}, {"b", "2"}};
    const std::vector<LabelView> ba{{"b", "2"}, {"a", "1"}};
    EXPECT_EQ(seriesFingerprint("s", "m", ab), seriesFingerprint("s", "m", ba));
    // The documented encoding, built independently: LEB128 length-prefixed strings, label count.
    const std::string canonical(
        "\x01s\x01m\x02\x01"
        "a\x01"
        "1\x01"
        "b\x01"
        "2",
        13);
    EXPECT_EQ(seriesFingerprint("s", "m", ab), XXH3_64bits(canonical.data(), canonical.size()));
    // Pinned: a change here re-keys every stored series.
    EXPECT_EQ(seriesFingerprint("node", "up", {}), 0x9aac98d46ec45cd8ULL)
        << std::hex << seriesFingerprint("node", "up", {});

    const std::vector<LabelView> x{{"ab", "c"}};
    const std::vector<LabelView> y{{"a", "bc"}};
    EXPECT_NE(seriesFingerprint("s", "m", x), seriesFingerprint("s", "m", y));
    EXPECT_NE(seriesFingerprint("sm", "", {}), seriesFingerprint("s", "m", {}));
    EXPECT_NE(seriesFingerprint("s", "m", ab), seriesFingerprint("t", "m", ab));
    EXPECT_NE(seriesFingerprint("s", "m", ab), seriesFingerprint("s", "n", ab));
}

TEST_F(SampleIngestServiceTest, StaleMarkersNonFiniteAndOutOfWindowSamplesAreDroppedAndCounted) {
    const double stale = std::bit_cast<double>(kStaleMarkerBits);
    const std::vector<SamplePoint> points{
        {kNowMs, 1.0},
        {kNowMs, stale},
        {kNowMs, std::nan("")},
        {kNowMs, std::numeric_limits<double>::infinity()},
        {kNowMs - 25LL * 3600 * 1000, 2.0},  // older than 24 h
        {kNowMs + 11LL * 60 * 1000, 3.0},    // more than 10 min ahead
        {std::numeric_limits<int64_t>::min(), 4.0},
        {std::numeric_limits<int64_t>::max(), 5.0},
    };
    const std::vector<SeriesSamples> batch{{"svc", "m", {}, points}};
    auto outcome = service_->ingest("t", batch);
    EXPECT_EQ(outcome.accepted_samples, 1u);
    EXPECT_EQ(outcome.stale_markers, 1u);
    EXPECT_EQ(outcome.rejected_samples, 7u);
    std::map<std::string, uint64_t> reasons;
    for (const auto& r : outcome.rejections) {
        reasons[r.reason] = r.samples;
    }
    EXPECT_EQ(reasons, (std::map<std::string, uint64_t>{{"stale_marker", 1},
                                                        {"non_finite_value", 2},
                                                        {"timestamp_too_old", 2},
                                                        {"timestamp_in_future", 2}}));
    EXPECT_FALSE(outcome.first_error.empty());
    drain();
    ASSERT_EQ(samples_.size(), 1u);
    EXPECT_EQ(samples_[0].value, 1.0);
    EXPECT_EQ(series_.size(), 1u);

    // Only a stale marker: nothing to write, the series row already written stays.
    const std::vector<SamplePoint> only_stale{{kNowMs, stale}};
    const std::vector<SeriesSamples> ended{{"svc", "m", {}, only_stale}};
    outcome = service_->ingest("t", ended);
    EXPECT_EQ(outcome.accepted_samples, 0u);
    EXPECT_EQ(outcome.stale_markers, 1u);
    drain();
    EXPECT_EQ(commits_, 0u);
}

TEST_F(SampleIngestServiceTest, AnInvalidSeriesIdentityRefusesTheWholeRequest) {
    const std::vector<SamplePoint> points{{kNowMs, 1.0}};
    const std::vector<LabelView> good{{"instance", "a"}};
    const std::string long_value(5000, 'v');
    std::vector<LabelView> many;
    std::vector<std::string> names;
    for (int i = 0; i < 65; ++i) {
        names.push_back("l" + std::to_string(i));
    }
    for (const auto& n : names) {
        many.push_back({n, "v"});
    }
    std::vector<LabelView> big;
    for (int i = 0; i < 5; ++i) {
        big.push_back(
            {names[static_cast<std::size_t>(i)], std::string_view(long_value).substr(0, 4000)});
    }
    struct Case {
        const char* what;
        SeriesSamples series;
        Err expected;
    };
    const std::vector<LabelView> bad_utf8{{"a", std::string_view("\xc3\x28", 2)}};
    const std::vector<LabelView> control_name{{"a\nb", "x"}};
    const std::vector<LabelView> empty_name{{"", "x"}};
    const std::vector<LabelView> duplicate{{"a", "1"}, {"a", "2"}};
    const std::vector<LabelView> long_label{{"a", long_value}};
    const std::vector<Case> cases{
        {"invalid UTF-8 value", {"s", "m", bad_utf8, points}, {400, "invalid_utf8"}},
        {"control character", {"s", "m", control_name, points}, {400, "invalid_name"}},
        {"empty label name", {"s", "m", empty_name, points}, {400, "invalid_label_name"}},
        {"duplicate label", {"s", "m", duplicate, points}, {400, "duplicate_label_name"}},
        {"too many labels", {"s", "m", many, points}, {400, "too_many_labels"}},
        {"labels too large", {"s", "m", big, points}, {400, "labels_too_large"}},
        {"label value too long", {"s", "m", long_label, points}, {400, "field_too_long"}},
        {"no metric name", {"s", "", good, points}, {400, "missing_metric_name"}},
        {"no service", {"", "m", good, points}, {400, "missing_service_id"}},
        {"invalid UTF-8 name",
         {"s", std::string_view("\xff", 1), good, points},
         {400, "invalid_utf8"}},
    };
    for (const auto& c : cases) {
        const std::vector<SeriesSamples> batch{{"s", "ok", good, points}, c.series};
        EXPECT_EQ(errorOf([&] { service_->ingest("t", batch); }), c.expected) << c.what;
    }
    drain();
    EXPECT_EQ(commits_, 0u);  // nothing of any of those requests was written
    EXPECT_TRUE(samples_.empty());
}

TEST_F(SampleIngestServiceTest, DropSeriesPolicyKeepsTheValidSeries) {
    const std::vector<SamplePoint> points{{kNowMs, 1.0}, {kNowMs + 1, 2.0}};
    const std::vector<LabelView> bad_utf8{{"a", std::string_view("\xff", 1)}};
    const std::vector<SeriesSamples> batch{{"s", "ok", {}, points}, {"s", "m", bad_utf8, points}};
    auto outcome = service_->ingest("t", batch, InvalidSeries::DropSeries);
    EXPECT_EQ(outcome.accepted_samples, 2u);
    EXPECT_EQ(outcome.rejected_samples, 2u);
    ASSERT_EQ(outcome.rejections.size(), 1u);
    EXPECT_EQ(outcome.rejections[0].reason, "invalid_utf8");
    drain();
    EXPECT_EQ(series_.size(), 1u);
    EXPECT_EQ(samples_.size(), 2u);
}

TEST_F(SampleIngestServiceTest, AFullWalAnswers503AndTheSeriesIsWrittenOnRetry) {
    open(64);  // too small for any request
    const std::vector<SamplePoint> points{{kNowMs, 1.0}};
    const std::vector<SeriesSamples> batch{{"s", "m", {}, points}};
    try {
        service_->ingest("t", batch);
        FAIL() << "expected 503";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.httpStatus(), 503);
        EXPECT_EQ(e.code(), "ingestion_backlog_full");
        EXPECT_GT(e.retryAfterSeconds(), 0);
    }
    // Not cached after the refusal: when there is room again the series row goes with it.
    open(1ull << 30);
    auto outcome = service_->ingest("t", batch);
    EXPECT_EQ(outcome.new_series, 1u);
}

TEST_F(SampleIngestServiceTest, TooManyConcurrentRequestsAnswer503Overloaded) {
    open(1ull << 30, 0);
    const std::vector<SeriesSamples> batch;
    EXPECT_EQ(errorOf([&] { service_->ingest("t", batch); }), Err(503, "overloaded"));
}

TEST_F(SampleIngestServiceTest, DuplicateSeriesInOneRequestWriteOneSeriesRow) {
    const std::vector<SamplePoint> p1{{kNowMs, 1.0}};
    const std::vector<SamplePoint> p2{{kNowMs + 1000, 2.0}};
    const std::vector<SeriesSamples> batch{{"s", "m", {}, p1}, {"s", "m", {}, p2}};
    auto outcome = service_->ingest("t", batch);
    EXPECT_EQ(outcome.new_series, 1u);
    drain();
    EXPECT_EQ(series_.size(), 1u);
    EXPECT_EQ(samples_.size(), 2u);
}

}  // namespace
}  // namespace infrasage::ingest
