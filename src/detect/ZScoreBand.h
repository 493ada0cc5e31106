// detect/ZScoreBand: the one place that turns (value, expected, spread, threshold) into a
// DetectorOutput, so every detector maps z-scores to anomaly_score the same way.
#pragma once

#include "detect/DetectorOutput.h"

namespace infrasage::detect {

class ZScoreBand {
  public:
    // anomaly_score = |z| / (|z| + threshold): 0 at the expected value, 0.5 at the threshold,
    // approaching 1 for far outliers. Monotone in |z|, so one NAB threshold orders all points.
    static double scoreFromZ(double z, double threshold);

    // A spread at or below zero (a flat history) is floored to a tiny fraction of the expected
    // value's magnitude: any departure from a flatline is then a large but finite z.
    static DetectorOutput judge(double value, double expected, double spread, double threshold,
                                bool warmed_up);
};

}  // namespace infrasage::detect
