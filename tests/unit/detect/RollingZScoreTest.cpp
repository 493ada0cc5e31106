#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "SyntheticSeries.h"
#include "detect/RollingZScore.h"

namespace infrasage::detect {
namespace {

// The sliding update must agree with mean / sample std recomputed from the previous `window`
// points, also long after the first recompute (drift would show here).
TEST(RollingZScoreTest, MatchesADirectComputationOverThePreviousWindow) {
    const RollingZScore::Options options{20, 3.0, 5};
    RollingZScore detector(options);
    const auto points = testing::whiteNoise(1000, 1e6, 3.0, 31);
    for (size_t i = 0; i < points.size(); ++i) {
        const DetectorOutput out = detector.update(points[i]);
        if (i < options.window) continue;
        double mean = 0.0;
        for (size_t j = i - options.window; j < i; ++j) mean += points[j].value;
        mean /= static_cast<double>(options.window);
        double m2 = 0.0;
        for (size_t j = i - options.window; j < i; ++j)
            m2 += (points[j].value - mean) * (points[j].value - mean);
        const double sigma = std::sqrt(m2 / static_cast<double>(options.window - 1));
        ASSERT_NEAR(out.expected, mean, 1e-6) << i;
        ASSERT_NEAR(out.z_score, (points[i].value - mean) / sigma, 1e-6) << i;
        ASSERT_NEAR(out.upper - out.expected, 3.0 * sigma, 1e-6) << i;
    }
}

TEST(RollingZScoreTest, WindowFollowsALevelShiftAndStopsAlarming) {
    auto points = testing::whiteNoise(600, 100.0, 1.0, 32);
    for (size_t i = 300; i < 600; ++i) points[i].value += 8.0;
    RollingZScore detector;
    const auto out = testing::run(detector, points);
    // Once the window holds only the new level (60 points later), the new level is normal.
    EXPECT_NEAR(out[599].expected, 108.0, 0.5);
    EXPECT_LE(testing::countAnomalies(out, 360, 600), 3u);
}

TEST(RollingZScoreTest, RejectsInvalidOptions) {
    EXPECT_THROW(RollingZScore({1, 3.0, 5}), std::invalid_argument);
    EXPECT_THROW(RollingZScore({10, 0.0, 5}), std::invalid_argument);
    EXPECT_THROW(RollingZScore({10, 3.0, 1}), std::invalid_argument);
}

}  // namespace
}  // namespace infrasage::detect
