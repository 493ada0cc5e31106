// detect/DetectorOutput: what a detector says about one point — the score, the expected value
// and band it judged the point against, and whether the point crosses its threshold.
#pragma once

#include <string_view>

namespace infrasage::detect {

struct DetectorOutput {
    double anomaly_score = 0.0;  // In [0, 1]; 0.5 exactly at the detector's threshold.
    double expected = 0.0;       // What the detector predicted for this point.
    double lower = 0.0;          // expected - threshold * spread.
    double upper = 0.0;          // expected + threshold * spread.
    double z_score = 0.0;        // Signed: (value - expected) / spread.
    bool is_anomaly = false;     // |z_score| >= threshold and the detector is warmed up.
    // Name of the detector (for the ensemble: the component) the judgement comes from; a static
    // string such as "robust_z", or empty when nothing was judged.
    std::string_view detector;
};

}  // namespace infrasage::detect
