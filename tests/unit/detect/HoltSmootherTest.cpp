#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "SyntheticSeries.h"
#include "detect/HoltSmoother.h"

namespace infrasage::detect {
namespace {

std::vector<Point> trending(size_t n, double slope, uint32_t seed) {
    auto points = testing::whiteNoise(n, 100.0, 1.0, seed);
    for (size_t i = 0; i < n; ++i) points[i].value += slope * static_cast<double>(i);
    return points;
}

TEST(HoltSmootherTest, ForecastFollowsATrend) {
    const auto points = trending(5000, 0.5, 51);
    HoltSmoother detector;
    const auto out = testing::run(detector, points);
    // True mean at 4999 is 100 + 0.5 * 4999; the forecast error is a few noise sigmas at most.
    EXPECT_NEAR(out[4999].expected, 100.0 + 0.5 * 4999.0, 3.0);
    // The trend itself is not anomalous: no more alarms than on flat white noise (0.8 %).
    EXPECT_LE(testing::countAnomalies(out, 0, out.size()), 40u);
}

TEST(HoltSmootherTest, CatchesASpikeOnATrend) {
    auto points = trending(600, 0.5, 52);
    points[400].value += 10.0;
    HoltSmoother detector;
    const auto out = testing::run(detector, points);
    EXPECT_TRUE(out[400].is_anomaly);
    // The spike is learned clipped: the points after it are not alarms of their own.
    EXPECT_LE(testing::countAnomalies(out, 401, 420), 1u);
}

TEST(HoltSmootherTest, CatchesATrendChange) {
    auto points = testing::whiteNoise(800, 100.0, 1.0, 53);
    for (size_t i = 400; i < 800; ++i) points[i].value += 3.0 * static_cast<double>(i - 400);
    HoltSmoother detector;
    const auto out = testing::run(detector, points);
    EXPECT_GE(testing::countAnomalies(out, 400, 410), 1u);
}

TEST(HoltSmootherTest, StateIsAFewScalars) {
    EXPECT_LE(HoltSmoother().memoryBytes(), 128u);
}

TEST(HoltSmootherTest, RejectsInvalidOptions) {
    EXPECT_THROW(HoltSmoother({0.0, 0.05, 0.05, 3.0, 30}), std::invalid_argument);
    EXPECT_THROW(HoltSmoother({0.3, 1.5, 0.05, 3.0, 30}), std::invalid_argument);
    EXPECT_THROW(HoltSmoother({0.3, 0.05, 0.0, 3.0, 30}), std::invalid_argument);
    EXPECT_THROW(HoltSmoother({0.3, 0.05, 0.05, -1.0, 30}), std::invalid_argument);
}

}  // namespace
}  // namespace infrasage::detect
