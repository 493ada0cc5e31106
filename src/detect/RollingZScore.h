// detect/RollingZScore: the classic rolling z-score. Each point is judged against the mean and
// standard deviation of the `window` points before it (the point itself is not in its own
// baseline), then enters the window.
//
// Catches: spikes, dips and level shifts that are large against recent variability (on a shift
//   it fires for the first points until the window absorbs the new level).
// Misses: slow drifts and trends (the window follows them), seasonal patterns (a nightly low is
//   an "anomaly" when the window only saw daytime), changes smaller than threshold * sigma; after
//   a big spike the inflated sigma masks further anomalies for up to `window` points.
// Cost per point: O(1) — a sliding Welford update, plus an O(window) recomputation every
//   `window` points to cancel floating-point drift (O(1) amortised). State: the ring buffer
//   (8 bytes per window slot) and a few scalars; 60 slots is about 0.6 KiB.
#pragma once

#include <cstddef>
#include <cstdint>

#include "detect/Detector.h"
#include "detect/RingBuffer.h"

namespace infrasage::detect {

class RollingZScore final : public Detector {
  public:
    struct Options {
        size_t window = 60;
        double threshold = 3.0;  // WATCHDOG_Z_SCORE_THRESHOLD's documented default.
        size_t warmup = 30;      // Points seen before any anomaly may be reported (>= 2).
    };

    RollingZScore();
    explicit RollingZScore(const Options& options);

    DetectorOutput update(const Point& point) override;
    size_t memoryBytes() const override;
    std::string_view name() const override { return "rolling_z"; }
    void save(StateWriter& out) const override;
    void load(StateReader& in) override;

  private:
    void admit(double value);
    void recompute();

    Options options_;
    RingBuffer window_;
    double mean_ = 0.0;
    double m2_ = 0.0;  // Sum of squared deviations from mean_ over the window.
    uint64_t seen_ = 0;
    size_t since_recompute_ = 0;
};

}  // namespace infrasage::detect
