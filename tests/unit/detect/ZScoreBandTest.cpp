#include <gtest/gtest.h>

#include <cmath>

#include "detect/ZScoreBand.h"

namespace infrasage::detect {
namespace {

TEST(ZScoreBandTest, ScoreIsHalfAtTheThresholdAndBoundedByOne) {
    EXPECT_DOUBLE_EQ(ZScoreBand::scoreFromZ(0.0, 3.0), 0.0);
    EXPECT_DOUBLE_EQ(ZScoreBand::scoreFromZ(3.0, 3.0), 0.5);
    EXPECT_DOUBLE_EQ(ZScoreBand::scoreFromZ(-3.0, 3.0), 0.5);
    EXPECT_LT(ZScoreBand::scoreFromZ(1e300, 3.0), 1.0 + 1e-12);
    EXPECT_EQ(ZScoreBand::scoreFromZ(INFINITY, 3.0), 1.0);
}

TEST(ZScoreBandTest, AFlatHistoryFlagsAnyChangeWithAFiniteZ) {
    const DetectorOutput out = ZScoreBand::judge(10.5, 10.0, 0.0, 3.0, true);
    EXPECT_TRUE(out.is_anomaly);
    EXPECT_TRUE(std::isfinite(out.z_score));
    EXPECT_FALSE(ZScoreBand::judge(10.0, 10.0, 0.0, 3.0, true).is_anomaly);
}

}  // namespace
}  // namespace infrasage::detect
