// WatchdogCycle over an in-memory source and sink: the window it reads, the anomalies it reports
// (per tenant, never mixed), no re-alert after a restart, and no loss or doubling when the insert
// or the process fails between writing anomalies and saving the checkpoint.
#include <gtest/gtest.h>

#include <set>

#include "TestSeries.h"
#include "support/TestEnv.h"
#include "watchdog/AnomalyRecord.h"
#include "watchdog/WatchdogCycle.h"

namespace infrasage::watchdog {
namespace {

constexpr int64_t kStep = 60;
constexpr int64_t kT0 = 1'699'999'980;  // a bucket boundary
constexpr int64_t kMinutes = 300;
constexpr int64_t kSpikeMinute = 240;
const SeriesKey kAcme{"acme", "api", "latency_ms"};
const SeriesKey kGlobex{"globex", "api", "latency_ms"};

// The time at which a cycle reads everything up to (excluding) `minute`.
int64_t nowFor(int64_t minute) {
    return kT0 + minute * kStep + 30;
}

// A regular wave (so the detectors have nothing but the spike to report) with the spike for acme.
double valueAt(const SeriesKey& key, int64_t minute) {
    double v = test::waveValue(static_cast<uint64_t>(minute));
    return key == kAcme && minute == kSpikeMinute ? v + 60 : v;
}

// What the Ensemble alone reports for the series, point by point: the cycle must report exactly
// these, whatever the detector's internals are.
std::vector<int64_t> referenceAnomalies(const SeriesKey& key, const detect::EnsembleOptions& o) {
    detect::Ensemble ensemble(o);
    std::vector<int64_t> times;
    for (int64_t i = 0; i < kMinutes; ++i) {
        if (ensemble.update({kT0 + i * kStep, valueAt(key, i)}).is_anomaly) {
            times.push_back(kT0 + i * kStep);
        }
    }
    return times;
}

std::vector<int64_t> reportedTimes(const std::vector<storage::AnomalyRow>& rows,
                                   const std::string& tenant) {
    std::vector<int64_t> times;
    for (const auto& row : rows) {
        if (row.tenant_id == tenant) {
            times.push_back(row.detected_at);
        }
    }
    return times;
}

class WatchdogCycleTest : public ::testing::Test {
  protected:
    WatchdogCycleTest() {
        for (int64_t i = 0; i < kMinutes; ++i) {
            source_.add(kAcme, kT0 + i * kStep, valueAt(kAcme, i));
            source_.add(kGlobex, kT0 + i * kStep, valueAt(kGlobex, i));
        }
    }

    void SetUp() override {
        // Preconditions on the detector (tuned elsewhere): the spike is its only finding.
        ASSERT_EQ(referenceAnomalies(kAcme, options().ensemble),
                  std::vector<int64_t>{kT0 + kSpikeMinute * kStep});
        ASSERT_TRUE(referenceAnomalies(kGlobex, options().ensemble).empty());
    }

    WatchdogOptions options() const {
        WatchdogOptions o;
        o.step_seconds = kStep;
        o.settle_seconds = 30;
        o.lookback_seconds = 6 * 3600;
        o.max_buckets_per_query = 60;
        o.ensemble.warmup_seconds = 3600;  // the default waits a day; these series span 5 hours
        o.checkpoint_path = dir_ / "shard-0-of-1.ckpt";
        return o;
    }

    std::filesystem::path dir_ = testing::makeTempDir("watchdog-cycle");
    test::FakeSource source_;
    test::FakeSink sink_;
};

TEST_F(WatchdogCycleTest, FirstCycleReadsTheLookbackInChunksOfClosedBuckets) {
    WatchdogCycle cycle(options(), source_, sink_);
    auto s = cycle.run(nowFor(kMinutes));
    EXPECT_EQ(s.until, kT0 + kMinutes * kStep);
    EXPECT_EQ(s.since, s.until - 6 * 3600);
    ASSERT_EQ(source_.reads.size(), 6u);
    for (size_t i = 0; i < source_.reads.size(); ++i) {
        EXPECT_EQ(source_.reads[i].first, s.since + static_cast<int64_t>(i) * 3600);
        EXPECT_EQ(source_.reads[i].second, source_.reads[i].first + 3600);
    }
    EXPECT_EQ(s.series, 2u);
    EXPECT_EQ(s.points, 2u * kMinutes);
    EXPECT_EQ(s.tracked_series, 2u);
    EXPECT_GT(s.checkpoint_bytes, 0u);
    EXPECT_EQ(cycle.state().watermark(), s.until);
}

TEST_F(WatchdogCycleTest, SettlingBucketIsNotReadYet) {
    WatchdogCycle cycle(options(), source_, sink_);
    // 29 s after minute 100 ended, that bucket is still settling: the window ends at its start.
    EXPECT_EQ(cycle.untilFor(kT0 + 101 * kStep + 29), kT0 + 100 * kStep);
    EXPECT_EQ(cycle.untilFor(kT0 + 101 * kStep + 30), kT0 + 101 * kStep);
}

TEST_F(WatchdogCycleTest, SpikeIsReportedOnceForItsTenantOnly) {
    WatchdogCycle cycle(options(), source_, sink_);
    auto s = cycle.run(nowFor(kMinutes));
    EXPECT_EQ(reportedTimes(sink_.rows, "acme"), referenceAnomalies(kAcme, options().ensemble));
    EXPECT_TRUE(reportedTimes(sink_.rows, "globex").empty());
    ASSERT_EQ(s.anomalies, 1u);
    ASSERT_EQ(sink_.rows.size(), 1u);
    const auto& row = sink_.rows[0];
    EXPECT_EQ(row.tenant_id, "acme");
    EXPECT_EQ(row.service_id, "api");
    EXPECT_EQ(row.metric_name, "latency_ms");
    EXPECT_EQ(row.detected_at, kT0 + kSpikeMinute * kStep);
    EXPECT_DOUBLE_EQ(row.value, valueAt(kAcme, kSpikeMinute));
    EXPECT_GT(row.value, row.upper);
    EXPECT_EQ(row.anomaly_id, anomalyId(kAcme, row.detected_at));
    EXPECT_EQ(row.status, "open");
    EXPECT_FALSE(row.severity.empty());
}

TEST_F(WatchdogCycleTest, SecondCycleInTheSameIntervalReadsNothing) {
    WatchdogCycle cycle(options(), source_, sink_);
    cycle.run(nowFor(kMinutes));
    auto reads = source_.reads.size();
    auto again = cycle.run(nowFor(kMinutes) + 20);
    EXPECT_TRUE(again.skipped);
    EXPECT_EQ(source_.reads.size(), reads);
    EXPECT_EQ(sink_.rows.size(), 1u);
}

TEST_F(WatchdogCycleTest, RestartFromCheckpointDoesNotReAlertAndContinuesLikeNoRestart) {
    // Reference: one process running through minute 300 in two cycles.
    test::FakeSink reference_sink;
    {
        WatchdogOptions o = options();
        o.checkpoint_path.clear();
        WatchdogCycle reference(o, source_, reference_sink);
        reference.run(nowFor(200));
        reference.run(nowFor(kMinutes));
    }
    // Restarted: the first process stops after minute 200, a new one loads its checkpoint.
    {
        WatchdogCycle first(options(), source_, sink_);
        first.run(nowFor(200));
    }
    EXPECT_TRUE(sink_.rows.empty());
    source_.reads.clear();
    WatchdogCycle restarted(options(), source_, sink_);
    auto s = restarted.run(nowFor(kMinutes));
    EXPECT_EQ(s.since, kT0 + 200 * kStep);  // from the watermark, not the lookback
    EXPECT_EQ(s.points, 2u * 100u);
    ASSERT_EQ(sink_.rows.size(), reference_sink.rows.size());
    ASSERT_EQ(sink_.rows.size(), 1u);
    EXPECT_EQ(sink_.rows[0].anomaly_id, reference_sink.rows[0].anomaly_id);
    EXPECT_EQ(sink_.rows[0].anomaly_score, reference_sink.rows[0].anomaly_score);

    // And a third process after the spike was reported does not report it again.
    WatchdogCycle third(options(), source_, sink_);
    EXPECT_TRUE(third.run(nowFor(kMinutes)).skipped);
    third.run(nowFor(kMinutes + 5));
    EXPECT_EQ(sink_.rows.size(), 1u);
}

TEST_F(WatchdogCycleTest, FailedInsertIsRetriedWithTheSameAnomaliesNextCycle) {
    WatchdogCycle cycle(options(), source_, sink_);
    cycle.run(nowFor(200));
    sink_.fail = true;
    EXPECT_THROW(cycle.run(nowFor(kMinutes)), std::runtime_error);
    sink_.fail = false;
    auto s = cycle.run(nowFor(kMinutes));
    EXPECT_EQ(s.since, kT0 + 200 * kStep);  // the failed window again
    ASSERT_EQ(sink_.rows.size(), 1u);
    EXPECT_EQ(sink_.rows[0].detected_at, kT0 + kSpikeMinute * kStep);
}

TEST_F(WatchdogCycleTest, CrashBetweenInsertAndCheckpointReinsertsIdenticalRows) {
    {
        WatchdogCycle cycle(options(), source_, sink_);
        cycle.run(nowFor(200));
    }
    auto saved = dir_ / "before-crash.ckpt";
    std::filesystem::copy_file(options().checkpoint_path, saved);
    {
        WatchdogCycle cycle(options(), source_, sink_);
        cycle.run(nowFor(kMinutes));
    }
    // The process died after the insert but before the rename: the old checkpoint is on disk.
    std::filesystem::copy_file(saved, options().checkpoint_path,
                               std::filesystem::copy_options::overwrite_existing);
    WatchdogCycle rerun(options(), source_, sink_);
    rerun.run(nowFor(kMinutes));
    ASSERT_EQ(sink_.rows.size(), 2u);
    EXPECT_EQ(sink_.rows[0].anomaly_id, sink_.rows[1].anomaly_id);
    EXPECT_EQ(sink_.rows[0].anomaly_score, sink_.rows[1].anomaly_score);
    EXPECT_EQ(sink_.rows[0].version, sink_.rows[1].version);
}

TEST_F(WatchdogCycleTest, CorruptCheckpointMeansRelearningNotACrash) {
    {
        WatchdogCycle cycle(options(), source_, sink_);
        cycle.run(nowFor(200));
    }
    std::filesystem::resize_file(options().checkpoint_path, 100);
    WatchdogCycle cycle(options(), source_, sink_);
    auto s = cycle.run(nowFor(kMinutes));
    EXPECT_EQ(s.since, s.until - 6 * 3600);  // no watermark: the lookback again
    EXPECT_EQ(s.tracked_series, 2u);
    // Relearning over the same history reports the same anomaly with the same id.
    ASSERT_EQ(sink_.rows.size(), 1u);
    EXPECT_EQ(sink_.rows[0].anomaly_id, anomalyId(kAcme, kT0 + kSpikeMinute * kStep));
}

TEST_F(WatchdogCycleTest, CancelledCatchUpStopsBetweenReadsAndIsRerun) {
    WatchdogCycle cycle(options(), source_, sink_);
    std::atomic<bool> cancel{true};
    EXPECT_THROW(cycle.run(nowFor(kMinutes), &cancel), CycleCancelled);
    EXPECT_TRUE(source_.reads.empty());
    EXPECT_EQ(sink_.writes, 0);
    EXPECT_EQ(cycle.run(nowFor(kMinutes)).anomalies, 1u);
}

TEST_F(WatchdogCycleTest, FailedReadLeavesTheWatermark) {
    WatchdogCycle cycle(options(), source_, sink_);
    cycle.run(nowFor(100));
    source_.fail = true;
    EXPECT_THROW(cycle.run(nowFor(200)), std::runtime_error);
    source_.fail = false;
    EXPECT_EQ(cycle.run(nowFor(200)).since, kT0 + 100 * kStep);
}

TEST_F(WatchdogCycleTest, SeriesBeyondTheBoundAreCountedNotTracked) {
    WatchdogOptions o = options();
    o.max_series = 1;
    WatchdogCycle cycle(o, source_, sink_);
    auto s = cycle.run(nowFor(kMinutes));
    EXPECT_EQ(s.tracked_series, 1u);
    EXPECT_GT(s.dropped_series, 0u);
}

TEST_F(WatchdogCycleTest, IdleSeriesAreEvicted) {
    WatchdogOptions o = options();
    o.idle_evict_seconds = 3600;
    WatchdogCycle cycle(o, source_, sink_);
    cycle.run(nowFor(kMinutes));
    EXPECT_EQ(cycle.state().size(), 2u);
    // Two hours later with no new points, both series are forgotten.
    auto s = cycle.run(nowFor(kMinutes + 120));
    EXPECT_EQ(s.evicted_series, 2u);
    EXPECT_EQ(cycle.state().size(), 0u);
}

TEST_F(WatchdogCycleTest, OverlappingPointsAreNotFedTwice) {
    SeriesStateTable table(detect::EnsembleOptions{}, 10);
    SeriesBatch batch;
    batch.add(kAcme, {kT0, 1});
    batch.add(kAcme, {kT0 + kStep, 2});
    std::vector<storage::AnomalyRow> rows;
    EXPECT_EQ(table.feed(batch, rows).points, 2u);
    EXPECT_EQ(table.feed(batch, rows).points, 0u);
    EXPECT_EQ(table.find(kAcme)->last_bucket, kT0 + kStep);
}

}  // namespace
}  // namespace infrasage::watchdog
