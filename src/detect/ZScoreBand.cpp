#include "detect/ZScoreBand.h"

#include <algorithm>
#include <cmath>

namespace infrasage::detect {

namespace {
// Keeps z finite on a flat history while still flagging any change from it.
constexpr double kRelativeSpreadFloor = 1e-9;
constexpr double kAbsoluteSpreadFloor = 1e-12;
}  // namespace

double ZScoreBand::scoreFromZ(double z, double threshold) {
    const double magnitude = std::fabs(z);
    if (!std::isfinite(magnitude)) {
        return 1.0;
    }
    return magnitude / (magnitude + threshold);
}

DetectorOutput ZScoreBand::judge(double value, double expected, double spread, double threshold,
                                 bool warmed_up) {
    const double floor = std::max(kAbsoluteSpreadFloor, kRelativeSpreadFloor * std::fabs(expected));
    const double sigma = std::max(spread, floor);
    DetectorOutput out;
    out.expected = expected;
    out.lower = expected - threshold * sigma;
    out.upper = expected + threshold * sigma;
    out.z_score = (value - expected) / sigma;
    if (warmed_up) {
        out.anomaly_score = scoreFromZ(out.z_score, threshold);
        out.is_anomaly = std::fabs(out.z_score) >= threshold;
    }
    return out;
}

}  // namespace infrasage::detect
