// detect/RangeNovelty: novelty against everything the series has ever shown — a value above its
// highest or below its lowest value so far, measured as a fraction of the historical range.
//
// Catches: spikes and level shifts to levels never seen before, however noisy the series (the
//   range, not the noise, is the yardstick), at the first point that crosses. Series that keep
//   setting records (growth, random walks, counters) are handled by a margin that grows linearly
//   with the number of records already set: the more often a series breaks its range, the less a
//   new record means (0.0005 of the range per record; 0.0004–0.0007 score alike on NAB).
// Misses: anything inside the historical range — a second spike no higher than an earlier one,
//   a drop to a level seen before, pattern changes (LocalRangeNovelty and SeasonalEnvelope cover
//   those). An early outlier widens the range for good, by design: NAB rewards only the first
//   detection of an incident.
// Cost per point: O(1), a few comparisons. State: 40 bytes.
#pragma once

#include <cstdint>

#include "detect/StateCodec.h"

namespace infrasage::detect {

class RangeNovelty {
  public:
    struct Options {
        uint64_t warmup = 20;           // points before any judgement
        double record_margin = 0.0005;  // margin per record already set, in range units
    };

    RangeNovelty();
    explicit RangeNovelty(const Options& options);

    // Score of `value` against the range so far (0 when inside it; 0.5 + excess beyond the margin,
    // capped at 1), then widens the range.
    double update(double value);
    // Signed distance outside the range in range units (0 inside) of the last update.
    double lastExcess() const { return last_excess_; }
    double low() const { return low_; }
    double high() const { return high_; }

    void save(StateWriter& out) const;
    void load(StateReader& in);

  private:
    Options options_;
    double low_ = 0.0;
    double high_ = 0.0;
    uint64_t seen_ = 0;
    uint64_t records_ = 0;
    double last_excess_ = 0.0;
};

}  // namespace infrasage::detect
