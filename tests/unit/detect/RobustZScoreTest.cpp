#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "SyntheticSeries.h"
#include "detect/RobustZScore.h"
#include "detect/RollingZScore.h"

namespace infrasage::detect {
namespace {

TEST(RobustZScoreTest, ExpectedIsTheMedianOfThePreviousWindow) {
    RobustZScore detector({5, 3.5, 3});
    const std::vector<double> values{1.0, 9.0, 2.0, 8.0, 3.0, 100.0};
    DetectorOutput out;
    for (size_t i = 0; i < values.size(); ++i)
        out = detector.update({static_cast<int64_t>(i), values[i]});
    // Window before 100: {1, 9, 2, 8, 3} -> median 3; |x - 3| = {2, 6, 1, 5, 0} -> MAD 2.
    EXPECT_DOUBLE_EQ(out.expected, 3.0);
    EXPECT_NEAR(out.z_score, 97.0 / (1.4826 * 2.0), 1e-9);
    EXPECT_TRUE(out.is_anomaly);
}

// A spike inflates the rolling standard deviation and hides a second spike right after it;
// the median and MAD are not moved by one outlier, so the robust detector still sees it.
TEST(RobustZScoreTest, OneSpikeDoesNotMaskTheNext) {
    auto points = testing::whiteNoise(300, 100.0, 1.0, 41);
    points[200].value += 40.0;
    points[205].value += 6.0;
    RobustZScore robust;
    RollingZScore rolling;
    const auto robust_out = testing::run(robust, points);
    const auto rolling_out = testing::run(rolling, points);
    EXPECT_TRUE(robust_out[200].is_anomaly);
    EXPECT_TRUE(robust_out[205].is_anomaly);
    EXPECT_TRUE(rolling_out[200].is_anomaly);
    EXPECT_FALSE(rolling_out[205].is_anomaly);  // The masking the robust detector avoids.
}

TEST(RobustZScoreTest, MostlyConstantSeriesFallsBackToMeanAbsoluteDeviation) {
    RobustZScore detector({8, 3.5, 3});
    // Six of eight values equal: MAD is 0, mean |x - median| is 2 * 4 / 8 = 1.
    const std::vector<double> values{5, 5, 5, 9, 5, 5, 1, 5};
    for (size_t i = 0; i < values.size(); ++i)
        detector.update({static_cast<int64_t>(i), values[i]});
    const DetectorOutput out = detector.update({8, 6.0});
    EXPECT_DOUBLE_EQ(out.expected, 5.0);
    EXPECT_NEAR(out.z_score, 1.0 / 1.2533, 1e-9);
    EXPECT_FALSE(out.is_anomaly);
}

TEST(RobustZScoreTest, RejectsWindowsAboveTheScratchSize) {
    EXPECT_THROW(RobustZScore({RobustZScore::kMaxWindow + 1, 3.5, 3}), std::invalid_argument);
    EXPECT_NO_THROW(RobustZScore({RobustZScore::kMaxWindow, 3.5, 3}));
    EXPECT_THROW(RobustZScore({1, 3.5, 3}), std::invalid_argument);
}

}  // namespace
}  // namespace infrasage::detect
