// detect/AnomalyFilter: the per-series rules that decide whether a detector's anomaly is
// reported — the direction that matters, a minimum absolute deviation from the expected value,
// and a cooldown (WATCHDOG_COOLDOWN_SECONDS) so one incident is one anomaly, not a storm.
// One instance per series; state is one timestamp.
#pragma once

#include <cstdint>
#include <optional>

#include "detect/DetectorOutput.h"
#include "detect/Point.h"
#include "detect/StateCodec.h"

namespace infrasage::detect {

enum class Direction { Above, Below, Both };

class AnomalyFilter {
  public:
    struct Options {
        Direction direction = Direction::Both;
        // |value - expected| must reach this (in the metric's unit); 0 disables the rule.
        double min_abs_deviation = 0.0;
        // After a reported anomaly at t, anomalies before t + cooldown_seconds are suppressed;
        // the cooldown runs from the last reported anomaly, so an incident that persists is
        // reported again once per cooldown. 0 disables the rule.
        int64_t cooldown_seconds = 300;  // WATCHDOG_COOLDOWN_SECONDS's documented default.
    };

    AnomalyFilter();
    explicit AnomalyFilter(const Options& options);

    // True when the detector flagged the point and every rule lets it through; only then does the
    // cooldown start. Points failing the direction or deviation rule do not start a cooldown.
    bool report(const Point& point, const DetectorOutput& output);

    // The cooldown's last reported time, for checkpoints.
    void save(StateWriter& out) const;
    void load(StateReader& in);

  private:
    bool directionMatches(double deviation) const;
    bool cooledDown(int64_t timestamp) const;

    Options options_;
    std::optional<int64_t> last_reported_;
};

}  // namespace infrasage::detect
