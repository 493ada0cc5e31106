// The multivariate layer inside WatchdogCycle (ServiceModelTable): a joint shift no metric's
// Ensemble reports is reported once, as one anomaly of the service; which services get a model;
// a late metric; deterministic re-runs; tenants never share a model.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "TestSeries.h"
#include "support/TestEnv.h"
#include "watchdog/AnomalyRecord.h"
#include "watchdog/WatchdogCycle.h"

namespace infrasage::watchdog {
namespace {

constexpr int64_t kStep = 60;
constexpr int64_t kMidnight = 1'700'006'400;  // 2023-11-15 00:00:00 UTC
constexpr int64_t kPerDay = 1440;             // one bucket a minute
// Day 4, 01:00-03:00 CPU ramps up by 60 and stays there until 04:00 (ServiceForestTest's shape).
constexpr int64_t kRampStart = 3 * kPerDay + 60;
constexpr int64_t kShiftEnd = kRampStart + 180;
constexpr int64_t kMinutes = kShiftEnd + 60;

int64_t at(int64_t minute) {
    return kMidnight + minute * kStep;
}
int64_t nowFor(int64_t minute) {
    return at(minute) + 30;
}

bool isJoint(const storage::AnomalyRow& row) {
    return row.detector.starts_with("iforest_");
}

// Requests and CPU follow the daily load (CPU half of it) with uniform noise; with `shift`, CPU
// climbs to a daytime level at night while requests stay at their night-time level.
struct CoupledService {
    std::vector<double> requests;
    std::vector<double> cpu;
};

CoupledService coupledService(uint32_t seed, bool shift) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> noise(-1.0, 1.0);
    CoupledService s;
    for (int64_t i = 0; i < kMinutes; ++i) {
        const double hour = static_cast<double>(i % kPerDay) / 60.0;
        const double load = 200.0 + 100.0 * std::sin(2.0 * std::numbers::pi * (hour - 12.0) / 24.0);
        s.requests.push_back(load + 12.0 * noise(rng));
        s.cpu.push_back(0.5 * load + 6.0 * noise(rng));
        if (shift && i >= kRampStart && i < kShiftEnd) {
            s.cpu.back() += 60.0 * std::min(1.0, static_cast<double>(i - kRampStart + 1) / 120.0);
        }
    }
    return s;
}

void addService(test::FakeSource& source, const std::string& tenant, const std::string& service,
                const CoupledService& s) {
    for (int64_t i = 0; i < kMinutes; ++i) {
        source.add({tenant, service, "cpu"}, at(i), s.cpu[static_cast<size_t>(i)]);
        source.add({tenant, service, "requests"}, at(i), s.requests[static_cast<size_t>(i)]);
    }
}

WatchdogOptions options() {
    WatchdogOptions o;
    o.step_seconds = kStep;
    o.lookback_seconds = kMinutes * kStep;  // the first cycle reads the whole history
    o.max_buckets_per_query = 360;
    return o;
}

std::vector<storage::AnomalyRow> inWindow(const std::vector<storage::AnomalyRow>& rows,
                                          int64_t from, int64_t to) {
    std::vector<storage::AnomalyRow> out;
    for (const auto& row : rows) {
        if (row.detected_at >= at(from) && row.detected_at < at(to)) {
            out.push_back(row);
        }
    }
    return out;
}

// Runs the first cycle at `first` (it reads the lookback), then one every `every` minutes to
// `last`.
void runCycles(WatchdogCycle& cycle, int64_t first, int64_t last, int64_t every) {
    cycle.run(nowFor(first));
    for (int64_t m = first + every; m <= last; m += every) {
        cycle.run(nowFor(m));
    }
    cycle.run(nowFor(last));
}

size_t jointCount(const std::vector<storage::AnomalyRow>& rows) {
    return static_cast<size_t>(std::count_if(rows.begin(), rows.end(), isJoint));
}

// The series are built so that the service's own layers see nothing: what is reported comes from
// the forest (the same shape as ServiceForestTest, where a rolling z-score stays silent).
class MultivariateCycleTest : public ::testing::Test {
  protected:
    void SetUp() override {
        // Control: without the shift nothing is reported at all.
        test::FakeSource quiet;
        addService(quiet, "acme", "api", coupledService(11, false));
        test::FakeSink sink;
        WatchdogCycle cycle(options(), quiet, sink);
        runCycles(cycle, 3 * kPerDay, kMinutes, 1);
        ASSERT_EQ(cycle.serviceModels().size(), 1U);
        ASSERT_TRUE(sink.rows.empty()) << sink.rows.size() << " anomalies without a shift";
    }

    std::filesystem::path dir_ = testing::makeTempDir("watchdog-multivariate");
};

TEST_F(MultivariateCycleTest, JointShiftIsOneAnomalyOfTheServiceFromTheForest) {
    test::FakeSource source;
    addService(source, "acme", "api", coupledService(11, true));
    test::FakeSink sink;
    WatchdogOptions o = options();
    o.ensemble.filter.cooldown_seconds = 4 * 3600;  // longer than the broken hours
    WatchdogCycle cycle(o, source, sink);
    runCycles(cycle, 3 * kPerDay, kMinutes, 1);

    // Nothing on the normal days, and in the broken hours exactly one anomaly, from the forest.
    EXPECT_TRUE(inWindow(sink.rows, 0, kRampStart).empty());
    auto broken = inWindow(sink.rows, kRampStart, kShiftEnd);
    ASSERT_EQ(broken.size(), 1U);
    const auto& row = broken[0];
    EXPECT_TRUE(isJoint(row)) << row.detector;
    EXPECT_EQ(row.detector, "iforest_level");
    EXPECT_EQ(row.tenant_id, "acme");
    EXPECT_EQ(row.service_id, "api");
    ASSERT_TRUE(row.metric_name == "cpu" || row.metric_name == "requests") << row.metric_name;
    EXPECT_EQ(row.anomaly_id, anomalyId({"acme", "api", row.metric_name}, row.detected_at));
    EXPECT_GE(row.anomaly_score, 0.5);
    EXPECT_LE(row.anomaly_score, 1.0);
    EXPECT_FALSE(row.severity.empty());
    EXPECT_EQ(row.status, "open");
    // The row carries the named metric's own point and band.
    const auto s = coupledService(11, true);
    const auto minute = static_cast<size_t>((row.detected_at - kMidnight) / kStep);
    EXPECT_DOUBLE_EQ(row.value, row.metric_name == "cpu" ? s.cpu[minute] : s.requests[minute]);
    EXPECT_LT(row.lower, row.upper);
    const auto* model = cycle.serviceModels().find({"acme", "api"});
    ASSERT_NE(model, nullptr);
    EXPECT_EQ(model->metrics, (std::vector<std::string>{"cpu", "requests"}));
    EXPECT_TRUE(model->forest.trained());
}

TEST_F(MultivariateCycleTest, PersistingShiftIsReportedOncePerCooldown) {
    test::FakeSource source;
    addService(source, "acme", "api", coupledService(11, true));
    test::FakeSink sink;
    WatchdogOptions o = options();
    o.ensemble.filter.cooldown_seconds = 1800;
    WatchdogCycle cycle(o, source, sink);
    runCycles(cycle, 3 * kPerDay, kMinutes, 1);
    auto rows = inWindow(sink.rows, kRampStart, kShiftEnd);
    ASSERT_GE(rows.size(), 2U);
    EXPECT_EQ(jointCount(rows), rows.size());
    for (size_t i = 1; i < rows.size(); ++i) {
        EXPECT_GE(rows[i].detected_at - rows[i - 1].detected_at, 1800);
    }
    EXPECT_LE(rows.size(), 180U * 60U / 1800U);
}

TEST_F(MultivariateCycleTest, SingleMetricServicesGetNoModel) {
    test::FakeSource source;
    const auto s = coupledService(11, false);
    for (int64_t i = 0; i < 2 * kPerDay; ++i) {
        source.add({"acme", "db", "cpu"}, at(i), s.cpu[static_cast<size_t>(i)]);
        source.add({"acme", "web", "cpu"}, at(i), s.cpu[static_cast<size_t>(i)]);
        source.add({"acme", "web", "requests"}, at(i), s.requests[static_cast<size_t>(i)]);
    }
    test::FakeSink sink;
    WatchdogCycle cycle(options(), source, sink);
    auto summary = cycle.run(nowFor(2 * kPerDay));
    EXPECT_EQ(summary.service_models, 1U);
    EXPECT_EQ(cycle.serviceModels().find({"acme", "db"}), nullptr);
    EXPECT_NE(cycle.serviceModels().find({"acme", "web"}), nullptr);
}

TEST_F(MultivariateCycleTest, DisabledLayerKeepsNoModel) {
    test::FakeSource source;
    addService(source, "acme", "api", coupledService(11, true));
    test::FakeSink sink;
    WatchdogOptions o = options();
    o.max_service_models = 0;
    WatchdogCycle cycle(o, source, sink);
    runCycles(cycle, 3 * kPerDay, kMinutes, 10);
    EXPECT_EQ(cycle.serviceModels().size(), 0U);
    EXPECT_EQ(jointCount(sink.rows), 0U);
}

// A metric sorting between the model's two (so a wrong column mapping would show) appears on day
// two: the model keeps its two metrics and still reports the shift once.
TEST_F(MultivariateCycleTest, MetricAppearingLaterIsIgnoredByTheModel) {
    test::FakeSource source;
    addService(source, "acme", "api", coupledService(11, true));
    for (int64_t i = kPerDay; i < kMinutes; ++i) {
        source.add({"acme", "api", "latency"}, at(i), test::waveValue(static_cast<uint64_t>(i)));
    }
    test::FakeSink sink;
    WatchdogOptions o = options();
    o.ensemble.filter.cooldown_seconds = 4 * 3600;
    WatchdogCycle cycle(o, source, sink);
    // The first cycle reads only the first day (two metrics), so the model is made without it.
    cycle.run(nowFor(kPerDay));
    runCycles(cycle, kPerDay + 1, kMinutes, 1);

    const auto* model = cycle.serviceModels().find({"acme", "api"});
    ASSERT_NE(model, nullptr);
    EXPECT_EQ(model->metrics, (std::vector<std::string>{"cpu", "requests"}));
    EXPECT_EQ(cycle.state().size(), 3U);  // the new metric has its own Ensemble
    auto broken = inWindow(sink.rows, kRampStart, kShiftEnd);
    ASSERT_EQ(jointCount(broken), 1U);
    for (const auto& row : sink.rows) {
        EXPECT_FALSE(isJoint(row) && row.metric_name == "latency");
    }
}

// Two tenants with the same service_id and metric names: acme's rows are exactly those acme gets
// alone (a shared model would change them), globex (no shift) gets none.
TEST_F(MultivariateCycleTest, TenantsNeverShareAServiceModel) {
    test::FakeSource alone_source;
    addService(alone_source, "acme", "api", coupledService(11, true));
    test::FakeSink alone;
    {
        WatchdogCycle cycle(options(), alone_source, alone);
        runCycles(cycle, 3 * kPerDay, kMinutes, 1);
    }
    test::FakeSource source;
    addService(source, "acme", "api", coupledService(11, true));
    addService(source, "globex", "api", coupledService(5, false));
    test::FakeSink sink;
    WatchdogCycle cycle(options(), source, sink);
    runCycles(cycle, 3 * kPerDay, kMinutes, 1);
    EXPECT_EQ(cycle.serviceModels().size(), 2U);
    std::vector<std::string> acme_ids;
    for (const auto& row : sink.rows) {
        EXPECT_EQ(row.tenant_id, "acme") << row.metric_name << " " << row.detector;
        acme_ids.push_back(row.anomaly_id);
    }
    std::vector<std::string> alone_ids;
    for (const auto& row : alone.rows) {
        alone_ids.push_back(row.anomaly_id);
    }
    EXPECT_EQ(acme_ids, alone_ids);
    EXPECT_GT(jointCount(sink.rows), 0U);
}

// A failed insert re-runs the window in the same process: the kept forest outputs give the same
// joint anomalies (ids and scores) as a run that never failed.
TEST_F(MultivariateCycleTest, FailedInsertReRunReportsTheSameJointAnomalies) {
    test::FakeSource source;
    addService(source, "acme", "api", coupledService(11, true));
    WatchdogOptions o = options();
    o.checkpoint_path = dir_ / "shard-0-of-1.ckpt";
    test::FakeSink reference;
    {
        WatchdogOptions ro = o;
        ro.checkpoint_path.clear();
        WatchdogCycle cycle(ro, source, reference);
        cycle.run(nowFor(kRampStart - 30));
        cycle.run(nowFor(kMinutes));
    }
    ASSERT_GT(jointCount(reference.rows), 1U);

    test::FakeSink sink;
    WatchdogCycle cycle(o, source, sink);
    cycle.run(nowFor(kRampStart - 30));
    sink.fail = true;
    EXPECT_THROW(cycle.run(nowFor(kMinutes)), std::runtime_error);
    sink.fail = false;
    auto summary = cycle.run(nowFor(kMinutes));
    EXPECT_EQ(summary.since, at(kRampStart - 30));
    ASSERT_EQ(sink.rows.size(), reference.rows.size());
    for (size_t i = 0; i < sink.rows.size(); ++i) {
        EXPECT_EQ(sink.rows[i].anomaly_id, reference.rows[i].anomaly_id);
        EXPECT_EQ(sink.rows[i].detector, reference.rows[i].detector);
        EXPECT_EQ(sink.rows[i].anomaly_score, reference.rows[i].anomaly_score);
    }
}

// A crash between the insert and the checkpoint: the restarted process re-runs the window from
// the old checkpoint. Univariate rows come again with the same ids; the forests were in memory
// only, so the re-run has no trained model and reports no joint rows (those written before the
// crash stay in the table).
TEST_F(MultivariateCycleTest, CrashReRunRepeatsUnivariateRowsAndRelearnsTheForest) {
    test::FakeSource source;
    auto s = coupledService(11, true);
    s.requests[static_cast<size_t>(kRampStart + 150)] +=
        250.0;  // a new maximum: a univariate anomaly in the broken hours
    addService(source, "acme", "api", s);
    WatchdogOptions o = options();
    o.checkpoint_path = dir_ / "shard-0-of-1.ckpt";
    test::FakeSink first;
    {
        WatchdogCycle live(o, source, first);
        live.run(nowFor(kRampStart - 30));
        auto saved = dir_ / "before-crash.ckpt";
        std::filesystem::copy_file(o.checkpoint_path, saved);
        live.run(nowFor(kMinutes));
        // The process dies after the insert, before the rename: the old checkpoint is on disk.
        std::filesystem::copy_file(saved, o.checkpoint_path,
                                   std::filesystem::copy_options::overwrite_existing);
    }
    ASSERT_GT(jointCount(first.rows), 0U);
    test::FakeSink rerun;
    WatchdogCycle cycle(o, source, rerun);
    cycle.run(nowFor(kMinutes));

    std::vector<std::string> univariate;
    for (const auto& row : first.rows) {
        if (!isJoint(row) && row.detected_at >= at(kRampStart - 30)) {
            univariate.push_back(row.anomaly_id);
        }
    }
    ASSERT_FALSE(univariate.empty());
    std::vector<std::string> rerun_ids;
    for (const auto& row : rerun.rows) {
        rerun_ids.push_back(row.anomaly_id);
    }
    EXPECT_EQ(rerun_ids, univariate);
    // The spike fell in the broken hours: the first run folded the forest's score into it (and
    // reported no separate joint anomaly there); the re-run, without a forest, did not.
    ASSERT_EQ(rerun.rows.size(), 1U);
    const auto& unfolded = rerun.rows[0];
    EXPECT_EQ(unfolded.detected_at, at(kRampStart + 150));
    for (const auto& row : first.rows) {
        if (row.detected_at == unfolded.detected_at) {
            EXPECT_EQ(row.anomaly_id, unfolded.anomaly_id);
            EXPECT_EQ(row.detector, unfolded.detector);
            EXPECT_GT(row.anomaly_score, unfolded.anomaly_score);
        }
    }
    EXPECT_EQ(jointCount(rerun.rows), 0U);
    const auto* model = cycle.serviceModels().find({"acme", "api"});
    ASSERT_NE(model, nullptr);
    EXPECT_FALSE(model->forest.trained());
}

}  // namespace
}  // namespace infrasage::watchdog
