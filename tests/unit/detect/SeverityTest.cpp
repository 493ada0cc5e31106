#include <gtest/gtest.h>

#include <cmath>

#include "detect/Severity.h"
#include "detect/ZScoreBand.h"

namespace infrasage::detect {
namespace {

TEST(SeverityTest, BelowTheThresholdScoreIsNotAnAnomaly) {
    EXPECT_FALSE(severityFromScore(0.0).has_value());
    EXPECT_FALSE(severityFromScore(0.4999).has_value());
    EXPECT_FALSE(severityFromScore(std::nan("")).has_value());
}

TEST(SeverityTest, BandsAreInclusiveAtTheirLowerEdge) {
    EXPECT_EQ(severityFromScore(0.5), Severity::Low);
    EXPECT_EQ(severityFromScore(0.5999), Severity::Low);
    EXPECT_EQ(severityFromScore(0.6), Severity::Medium);
    EXPECT_EQ(severityFromScore(0.7), Severity::High);
    EXPECT_EQ(severityFromScore(0.8), Severity::Critical);
    EXPECT_EQ(severityFromScore(1.0), Severity::Critical);
}

TEST(SeverityTest, BandsMatchTheDocumentedZScoresAtThresholdThree) {
    EXPECT_EQ(severityFromScore(ZScoreBand::scoreFromZ(3.0, 3.0)), Severity::Low);
    EXPECT_EQ(severityFromScore(ZScoreBand::scoreFromZ(-4.5, 3.0)), Severity::Medium);
    EXPECT_EQ(severityFromScore(ZScoreBand::scoreFromZ(7.0, 3.0)), Severity::High);
    EXPECT_EQ(severityFromScore(ZScoreBand::scoreFromZ(12.0, 3.0)), Severity::Critical);
    EXPECT_EQ(severityFromScore(ZScoreBand::scoreFromZ(11.9, 3.0)), Severity::High);
}

TEST(SeverityTest, NamesAreTheApiStrings) {
    EXPECT_EQ(severityName(Severity::Low), "low");
    EXPECT_EQ(severityName(Severity::Medium), "medium");
    EXPECT_EQ(severityName(Severity::High), "high");
    EXPECT_EQ(severityName(Severity::Critical), "critical");
}

}  // namespace
}  // namespace infrasage::detect
