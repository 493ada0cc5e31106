// detect/FlatlineDetector: a series that stops moving — the same value repeated for far longer
// than any run of repeats before (a stuck sensor, a dead exporter that keeps its last value, a
// queue that stopped draining).
//
// Catches: flatlines on series that normally move: once the current run of identical values
//   reaches max(min_run, 3 × the longest earlier run), once per run.
// Misses: flatlines on series that are often flat (the longest run is long), values that keep
//   jittering at a fixed level (not identical), a flatline within the warm-up.
// Cost per point: O(1). State: 40 bytes.
#pragma once

#include <cstdint>

#include "detect/StateCodec.h"

namespace infrasage::detect {

class FlatlineDetector {
  public:
    struct Options {
        uint64_t warmup = 300;  // points before any judgement (a run needs a history to compare)
        uint64_t min_run = 20;
        uint64_t run_factor = 3;
    };

    FlatlineDetector();
    explicit FlatlineDetector(const Options& options);

    // 0.75 at the point where the current run becomes abnormal, 0 otherwise.
    double update(double value);

    void save(StateWriter& out) const;
    void load(StateReader& in);

  private:
    Options options_;
    double previous_ = 0.0;
    uint64_t run_ = 0;
    uint64_t longest_run_ = 0;
    uint64_t seen_ = 0;
};

}  // namespace infrasage::detect
