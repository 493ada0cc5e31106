#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "detect/MultivariateFeatures.h"
#include "detect/RollingZScore.h"

namespace infrasage::detect {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int64_t kMidnight = 1'700'006'400;  // 2023-11-15 00:00:00 UTC.

TEST(MultivariateFeaturesTest, ValuesDifferencesAndTimeOfDay) {
    MultivariateFeatures features(2);
    ASSERT_EQ(features.dims(), 8U);
    std::vector<double> out(8, -1.0);
    EXPECT_FALSE(features.push(kMidnight, std::vector<double>{10.0, 100.0}, out));
    EXPECT_FALSE(features.push(kMidnight + 60, std::vector<double>{12.0, 90.0}, out));
    EXPECT_EQ(out, std::vector<double>(8, -1.0)) << "untouched while not ready";
    ASSERT_TRUE(features.push(kMidnight + 6 * 3600, std::vector<double>{17.0, 70.0}, out));
    // Level group: the values, then the time of day (06:00 UTC is a quarter turn).
    ASSERT_EQ(features.levelDims(), 4U);
    EXPECT_EQ(out[0], 17.0);
    EXPECT_EQ(out[1], 70.0);
    EXPECT_NEAR(out[2], 1.0, 1e-12);
    EXPECT_NEAR(out[3], 0.0, 1e-12);
    // Change group: first and second difference per metric.
    ASSERT_EQ(features.changeDims(), 4U);
    EXPECT_EQ(out[4], 5.0);    // 17 - 12
    EXPECT_EQ(out[5], 3.0);    // 5 - (12 - 10)
    EXPECT_EQ(out[6], -20.0);  // 70 - 90
    EXPECT_EQ(out[7], -10.0);  // -20 - (90 - 100)
    ASSERT_TRUE(features.push(kMidnight + 18 * 3600, std::vector<double>{17.0, 70.0}, out));
    EXPECT_EQ(out[4], 0.0);
    EXPECT_EQ(out[5], -5.0);
    EXPECT_NEAR(out[2], -1.0, 1e-12);
    // Just before midnight is next to midnight.
    ASSERT_TRUE(features.push(kMidnight + 86'399, std::vector<double>{17.0, 70.0}, out));
    EXPECT_NEAR(out[2], 0.0, 1e-3);
    EXPECT_NEAR(out[3], 1.0, 1e-6);
}

TEST(MultivariateFeaturesTest, MissingValuesCarryTheLastValue) {
    MultivariateFeatures features(2);
    std::vector<double> out(8);
    // Rows are dropped until every metric has a value.
    EXPECT_FALSE(features.push(kMidnight, std::vector<double>{kNaN, 1.0}, out));
    EXPECT_FALSE(features.push(kMidnight + 60, std::vector<double>{5.0, 2.0}, out));
    EXPECT_FALSE(features.push(kMidnight + 120, std::vector<double>{7.0, 3.0}, out));
    ASSERT_TRUE(features.push(kMidnight + 180, std::vector<double>{10.0, 4.0}, out));
    EXPECT_EQ(out[0], 10.0);
    EXPECT_EQ(out[5], 1.0);  // (10 - 7) - (7 - 5): the dropped row at 0 s is not part of it.
    ASSERT_TRUE(features.push(
        kMidnight + 240, std::vector<double>{kNaN, std::numeric_limits<double>::infinity()}, out));
    EXPECT_EQ(out[0], 10.0);
    EXPECT_EQ(out[1], 4.0);
    EXPECT_EQ(out[4], 0.0);
    EXPECT_EQ(out[5], -3.0);
    EXPECT_EQ(out[6], 0.0);
    for (const double v : out) EXPECT_TRUE(std::isfinite(v));
}

TEST(MultivariateFeaturesTest, CheckpointRoundTrip) {
    MultivariateFeatures a(3);
    std::vector<double> out_a(11);
    std::vector<double> out_b(11);
    a.push(kMidnight, std::vector<double>{1.0, 2.0, 3.0}, out_a);
    a.push(kMidnight + 60, std::vector<double>{2.0, 4.0, 8.0}, out_a);
    StateWriter writer;
    a.save(writer);
    MultivariateFeatures b(3);
    StateReader reader(writer.bytes());
    b.load(reader);
    EXPECT_TRUE(reader.atEnd());
    ASSERT_TRUE(a.push(kMidnight + 120, std::vector<double>{4.0, 1.0, 9.0}, out_a));
    ASSERT_TRUE(b.push(kMidnight + 120, std::vector<double>{4.0, 1.0, 9.0}, out_b));
    EXPECT_EQ(out_a, out_b);

    MultivariateFeatures other(2);
    StateReader again(writer.bytes());
    EXPECT_THROW(other.load(again), StateCodecError);
    StateWriter foreign;
    RollingZScore().save(foreign);
    StateReader foreign_reader(foreign.bytes());
    EXPECT_THROW(b.load(foreign_reader), StateCodecError);
}

TEST(MultivariateFeaturesTest, RejectsWrongSizes) {
    EXPECT_THROW(MultivariateFeatures(0), std::invalid_argument);
    MultivariateFeatures features(2);
    std::vector<double> out(8);
    std::vector<double> short_out(7);
    EXPECT_THROW(features.push(0, std::vector<double>{1.0}, out), std::invalid_argument);
    EXPECT_THROW(features.push(0, std::vector<double>{1.0, 2.0}, short_out), std::invalid_argument);
}

}  // namespace
}  // namespace infrasage::detect
