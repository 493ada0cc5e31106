// detect/HoltSmoother: Holt's linear exponential smoothing (level + trend). Each point is judged
// against the one-step forecast level + trend; the band's spread is an EWMA of the absolute
// forecast error (sigma ~ 1.2533 * mean |error| for Gaussian noise).
//
// Catches: spikes and dips on trending series (the forecast follows the trend, a rolling mean
//   lags it), level shifts (fires until the level catches up), and sudden trend changes once the
//   error outgrows the band. Errors are clipped to the band when learning, so one spike neither
//   drags the level nor widens the band much.
// Misses: slow drifts (learned as trend), seasonal patterns, variance increases that stay inside
//   threshold * sigma; because of the clipping, a very large level shift takes several points to
//   be learned and alarms on each of them (the cooldown folds these into one incident).
// Cost per point: O(1), a handful of multiply-adds. State: four doubles, a counter and the
//   options, under 100 bytes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "detect/Detector.h"

namespace infrasage::detect {

class HoltSmoother final : public Detector {
  public:
    struct Options {
        double alpha = 0.3;         // Level smoothing, (0, 1].
        double beta = 0.05;         // Trend smoothing, [0, 1].
        double error_alpha = 0.05;  // Smoothing of the absolute error that sizes the band, (0, 1].
        double threshold = 3.0;     // In estimated sigmas of the forecast error.
        size_t warmup = 30;         // Points seen before any anomaly may be reported (>= 2).
    };

    HoltSmoother();
    explicit HoltSmoother(const Options& options);

    DetectorOutput update(const Point& point) override;
    size_t memoryBytes() const override { return sizeof(*this); }
    std::string_view name() const override { return "holt"; }
    void save(StateWriter& out) const override;
    void load(StateReader& in) override;

  private:
    void learn(double error);

    Options options_;
    double level_ = 0.0;
    double trend_ = 0.0;
    double mean_abs_error_ = 0.0;
    uint64_t seen_ = 0;
};

}  // namespace infrasage::detect
