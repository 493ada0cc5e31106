#include <gtest/gtest.h>

#include <stdexcept>

#include "SyntheticSeries.h"
#include "detect/AnomalyFilter.h"
#include "detect/RollingZScore.h"

namespace infrasage::detect {
namespace {

DetectorOutput flagged(double expected) {
    DetectorOutput out;
    out.expected = expected;
    out.is_anomaly = true;
    out.anomaly_score = 0.9;
    return out;
}

AnomalyFilter::Options noCooldown(Direction direction, double min_abs_deviation = 0.0) {
    return {direction, min_abs_deviation, 0};
}

TEST(AnomalyFilterTest, NeverReportsWhatTheDetectorDidNotFlag) {
    AnomalyFilter filter;
    DetectorOutput calm = flagged(10.0);
    calm.is_anomaly = false;
    EXPECT_FALSE(filter.report({0, 100.0}, calm));
}

TEST(AnomalyFilterTest, DirectionAboveReportsOnlyRises) {
    AnomalyFilter filter(noCooldown(Direction::Above));
    EXPECT_TRUE(filter.report({0, 15.0}, flagged(10.0)));
    EXPECT_FALSE(filter.report({60, 5.0}, flagged(10.0)));
}

TEST(AnomalyFilterTest, DirectionBelowReportsOnlyDrops) {
    AnomalyFilter filter(noCooldown(Direction::Below));
    EXPECT_FALSE(filter.report({0, 15.0}, flagged(10.0)));
    EXPECT_TRUE(filter.report({60, 5.0}, flagged(10.0)));
}

TEST(AnomalyFilterTest, DirectionBothReportsEither) {
    AnomalyFilter filter(noCooldown(Direction::Both));
    EXPECT_TRUE(filter.report({0, 15.0}, flagged(10.0)));
    EXPECT_TRUE(filter.report({60, 5.0}, flagged(10.0)));
}

TEST(AnomalyFilterTest, MinimumAbsoluteDeviationDropsSmallDepartures) {
    AnomalyFilter filter(noCooldown(Direction::Both, 2.0));
    EXPECT_FALSE(filter.report({0, 11.5}, flagged(10.0)));  // Statistically odd, but 1.5 < 2.
    EXPECT_TRUE(filter.report({60, 12.0}, flagged(10.0)));  // Exactly the minimum counts.
    EXPECT_TRUE(filter.report({120, 7.0}, flagged(10.0)));
}

TEST(AnomalyFilterTest, CooldownSuppressesUntilItHasElapsed) {
    AnomalyFilter filter({Direction::Both, 0.0, 300});
    EXPECT_TRUE(filter.report({1000, 20.0}, flagged(10.0)));
    EXPECT_FALSE(filter.report({1060, 20.0}, flagged(10.0)));
    EXPECT_FALSE(filter.report({1299, 20.0}, flagged(10.0)));
    EXPECT_TRUE(filter.report({1300, 20.0}, flagged(10.0)));   // Cooldown runs from 1000.
    EXPECT_FALSE(filter.report({1599, 20.0}, flagged(10.0)));  // And now from 1300.
}

TEST(AnomalyFilterTest, FilteredOutPointsDoNotStartTheCooldown) {
    AnomalyFilter filter({Direction::Above, 2.0, 300});
    EXPECT_FALSE(filter.report({1000, 5.0}, flagged(10.0)));   // Wrong direction.
    EXPECT_FALSE(filter.report({1060, 11.0}, flagged(10.0)));  // Too small.
    EXPECT_TRUE(filter.report({1120, 20.0}, flagged(10.0)));
}

TEST(AnomalyFilterTest, RejectsNegativeLimits) {
    EXPECT_THROW(AnomalyFilter({Direction::Both, -1.0, 0}), std::invalid_argument);
    EXPECT_THROW(AnomalyFilter({Direction::Both, 0.0, -1}), std::invalid_argument);
}

// A level shift makes the rolling z-score fire on several consecutive points; behind the filter
// with the default 300 s cooldown (points a minute apart) that is one incident, one anomaly.
TEST(AnomalyFilterTest, OneIncidentIsOneAnomaly) {
    auto points = testing::whiteNoise(600, 100.0, 1.0, 21);
    for (size_t i = 400; i < 600; ++i) points[i].value += 8.0;
    RollingZScore detector;
    AnomalyFilter filter;
    size_t raw_in_incident = 0;
    size_t reported_in_incident = 0;
    size_t reported_elsewhere = 0;
    for (size_t i = 0; i < points.size(); ++i) {
        const DetectorOutput out = detector.update(points[i]);
        const bool reported = filter.report(points[i], out);
        const bool in_incident = i >= 400 && i < 405;
        raw_in_incident += in_incident && out.is_anomaly ? 1u : 0u;
        reported_in_incident += in_incident && reported ? 1u : 0u;
        reported_elsewhere += !in_incident && reported ? 1u : 0u;
    }
    EXPECT_GE(raw_in_incident, 2u);  // Otherwise the test would not exercise the cooldown.
    EXPECT_EQ(reported_in_incident, 1u);
    EXPECT_LE(reported_elsewhere, 2u);
}

// Behind the default filter, 5,000 minutes of white noise produce only a handful of anomalies.
TEST(AnomalyFilterTest, WhiteNoiseBehindTheFilterStaysQuiet) {
    const auto points = testing::whiteNoise(5000, 100.0, 1.0, 22);
    RollingZScore detector;
    AnomalyFilter filter;
    size_t raw = 0;
    size_t reported = 0;
    for (const Point& p : points) {
        const DetectorOutput out = detector.update(p);
        raw += out.is_anomaly ? 1u : 0u;
        reported += filter.report(p, out) ? 1u : 0u;
    }
    EXPECT_LE(reported, raw);
    EXPECT_LE(reported, 30u);
}

}  // namespace
}  // namespace infrasage::detect
