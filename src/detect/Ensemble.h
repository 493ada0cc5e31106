// detect/Ensemble: the one detector the Watchdog and `infrasage eval nab` run per series. It feeds
// each point to its components, combines their judgements into one anomaly_score in [0, 1] with
// an expected value and a lower/upper band, and applies the per-series rules (warm-up, direction,
// minimum absolute deviation, cooldown) to decide whether the point is reported as an anomaly.
//
// anomaly_score is the ensemble's continuous judgement (what NAB thresholds); is_anomaly is the
// reported decision (score >= 0.5 and every AnomalyFilter rule passed). Severity follows from
// anomaly_score (detect/Severity). `detector` names the component that carried the score.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "detect/AnomalyFilter.h"
#include "detect/Detector.h"

namespace infrasage::detect {

struct EnsembleOptions {
    double z_threshold = 3.0;  // WATCHDOG_Z_SCORE_THRESHOLD: |z| at which a point is anomalous.
    AnomalyFilter::Options filter;  // direction, min deviation, cooldown (WATCHDOG_COOLDOWN_SECONDS)
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

    EnsembleOptions options_;
    std::unique_ptr<Components> components_;
    AnomalyFilter filter_;
};

}  // namespace infrasage::detect
