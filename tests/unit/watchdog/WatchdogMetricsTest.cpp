// Watchdog (the periodic engine loop) with a Metrics registry: what operators see on /metrics
// after a successful and after a failed cycle.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "TestSeries.h"
#include "common/Clock.h"
#include "observability/Metrics.h"
#include "support/TestEnv.h"
#include "watchdog/Watchdog.h"

namespace infrasage::watchdog {
namespace {

constexpr int64_t kStep = 60;
constexpr int64_t kT0 = 1'699'999'980;  // a bucket boundary
constexpr int64_t kMinutes = 120;
constexpr int64_t kNow = kT0 + kMinutes * kStep + 30;

class WatchdogMetricsTest : public ::testing::Test {
  protected:
    WatchdogMetricsTest() {
        for (int64_t i = 0; i < kMinutes; ++i) {
            const double spike = i == 100 ? 60 : 0;
            source_.add(SeriesKey{"acme", "api", "latency_ms"}, kT0 + i * kStep,
                        test::waveValue(static_cast<uint64_t>(i)) + spike);
        }
    }

    WatchdogOptions options() const {
        WatchdogOptions o;
        o.step_seconds = kStep;
        o.settle_seconds = 30;
        o.lookback_seconds = int64_t{3} * 3600;
        o.ensemble.warmup_seconds = 3600;
        o.checkpoint_path = dir_ / "shard-0-of-1.ckpt";
        return o;
    }

    // Runs the engine until its first cycle has finished (the task runs at start).
    void runOneCycle() {
        Watchdog engine(options(), source_, sink_, clock_, &metrics_);
        engine.start();
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (engine.completedCycles() == 0 && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        engine.stop();
        ASSERT_GE(engine.completedCycles(), 1u);
    }

    bool exported(const std::string& line) const {
        return metrics_.render().find(line + "\n") != std::string::npos;
    }

    std::filesystem::path dir_ = testing::makeTempDir("watchdog-metrics");
    test::FakeSource source_;
    test::FakeSink sink_;
    ManualClock clock_{kNow * 1'000'000'000};
    observability::Metrics metrics_;
};

TEST_F(WatchdogMetricsTest, ASuccessfulCycleIsCounted) {
    runOneCycle();
    EXPECT_TRUE(exported(R"(infrasage_watchdog_cycles_total{outcome="ok"} 1)"))
        << metrics_.render();
    EXPECT_TRUE(exported("infrasage_watchdog_points_total " + std::to_string(kMinutes)));
    EXPECT_TRUE(
        exported("infrasage_watchdog_anomalies_total " + std::to_string(sink_.rows.size())));
    EXPECT_FALSE(sink_.rows.empty());  // the spike
    EXPECT_TRUE(exported("infrasage_watchdog_tracked_series 1"));
    EXPECT_TRUE(
        exported("infrasage_watchdog_last_success_timestamp_seconds " + std::to_string(kNow)));
    EXPECT_TRUE(exported("infrasage_watchdog_cycle_duration_seconds_count 1"));
}

TEST_F(WatchdogMetricsTest, AFailedCycleIsCountedAndLeavesTheLastSuccessAlone) {
    source_.fail = true;
    runOneCycle();
    EXPECT_TRUE(exported(R"(infrasage_watchdog_cycles_total{outcome="failed"} 1)"))
        << metrics_.render();
    EXPECT_TRUE(exported("infrasage_watchdog_last_success_timestamp_seconds 0"));
    EXPECT_TRUE(exported("infrasage_watchdog_points_total 0"));
}

}  // namespace
}  // namespace infrasage::watchdog
