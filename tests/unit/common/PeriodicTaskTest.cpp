#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>

#include "common/PeriodicTask.h"

namespace infrasage {
namespace {

using namespace std::chrono_literals;

TEST(PeriodicTask, RunsOnceAtStartThenWaitsForTheInterval) {
    std::atomic<int> runs{0};
    PeriodicTask scheduler([&] { ++runs; }, 1h);
    EXPECT_EQ(scheduler.completedRuns(), 0u);
    scheduler.start();
    ASSERT_TRUE(scheduler.waitForRuns(1, 10s));
    // The next run is an hour away, so stop() must wake the thread rather than wait for it.
    scheduler.stop();
    EXPECT_EQ(runs.load(), 1);
    EXPECT_EQ(scheduler.completedRuns(), 1u);
}

TEST(PeriodicTask, KeepsRunningAfterAFailedRun) {
    std::atomic<int> runs{0};
    PeriodicTask scheduler(
        [&] {
            ++runs;
            throw std::runtime_error("ClickHouse is down");
        },
        1ms);
    scheduler.start();
    EXPECT_TRUE(scheduler.waitForRuns(3, 10s));
    scheduler.stop();
    EXPECT_GE(runs.load(), 3);
}

TEST(PeriodicTask, StopIsIdempotentAndStartAfterStopRunsAgain) {
    PeriodicTask scheduler([] {}, 1h);
    scheduler.stop();  // never started
    scheduler.start();
    ASSERT_TRUE(scheduler.waitForRuns(1, 10s));
    scheduler.stop();
    scheduler.stop();
    scheduler.start();
    EXPECT_TRUE(scheduler.waitForRuns(2, 10s));
}

TEST(PeriodicTask, WaitForRunsTimesOutWhenNotStarted) {
    PeriodicTask scheduler([] {}, 1h);
    EXPECT_FALSE(scheduler.waitForRuns(1, 10ms));
}

}  // namespace
}  // namespace infrasage
