// detect/Ensemble: the one detector the Watchdog and `infrasage eval nab` run per series.
//
// Layers, each in its own class:
//   - RollingZScore (WATCHDOG_Z_SCORE_THRESHOLD): the expected value, the lower/upper band and
//     z_score of every point (what charts draw), and the baseline on non-seasonal series;
//   - SeasonalEnvelope: replaces that band by yesterday's hourly envelope (weekday-shifted) on
//     series that show a daily rhythm, and scores seasonal violations;
//   - RangeNovelty, LocalRangeNovelty, FlatlineDetector: score new extremes, excursions far
//     outside recent behaviour, and abnormal flatlines.
// anomaly_score is the highest component score (`detector` names that component); 0.5 is the
// reporting threshold of every component. The z-score bands do not vote: on NAB a z-score vote
// costs more in false alarms than it finds (rolling z alone scores 39.6; docs/benchmarks.md).
// After a detection the score is held below 0.5 for `incident_points` points so one incident is
// one detection. is_anomaly is the reported decision: score >= 0.5, the series is past its
// warm-up, and every AnomalyFilter rule (direction, minimum absolute deviation, cooldown in
// seconds) passed. Severity follows from
// anomaly_score (detect/Severity).
//
// Cost per point: ~100 ns (bench/micro_detect.cpp). State: about 1 KiB (memoryBytes()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "detect/AnomalyFilter.h"
#include "detect/Detector.h"

namespace infrasage::detect {

struct EnsembleOptions {
    double z_threshold = 3.0;  // WATCHDOG_Z_SCORE_THRESHOLD: width of the band, in sigmas
    AnomalyFilter::Options
        filter;  // direction, min deviation, cooldown (WATCHDOG_COOLDOWN_SECONDS)
    uint64_t incident_points = 20;  // points the score stays below 0.5 after a detection
    // Nothing is reported during a series' first day: its range and daily rhythm are still being
    // learnt (the score is still computed; NAB's probation plays the same role there).
    int64_t warmup_seconds = 86400;
};

class Ensemble final : public Detector {
  public:
    Ensemble();
    explicit Ensemble(const EnsembleOptions& options);
    ~Ensemble() override;
    Ensemble(Ensemble&&) noexcept;
    Ensemble& operator=(Ensemble&&) noexcept;

    DetectorOutput update(const Point& point) override;
    size_t memoryBytes() const override;
    std::string_view name() const override { return "ensemble"; }
    void save(StateWriter& out) const override;
    void load(StateReader& in) override;

    const EnsembleOptions& options() const { return options_; }

  private:
    struct Components;

    double holdIncident(double score);

    EnsembleOptions options_;
    std::unique_ptr<Components> components_;
    AnomalyFilter filter_;
    uint64_t seen_ = 0;
    uint64_t last_detection_ = 0;  // seen_ at the last detection; 0 = none yet
    int64_t first_timestamp_ = 0;
};

}  // namespace infrasage::detect
