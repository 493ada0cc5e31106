#include "detect/Ensemble.h"

#include <algorithm>
#include <cmath>

#include "detect/HoltSmoother.h"
#include "detect/RobustZScore.h"

namespace infrasage::detect {

struct Ensemble::Components {
    explicit Components(const EnsembleOptions& options)
        : robust(RobustZScore::Options{.window = 64,
                                       .threshold = options.z_threshold,
                                       .warmup = 30}),
          holt(HoltSmoother::Options{.threshold = options.z_threshold}) {}

    RobustZScore robust;
    HoltSmoother holt;
};

Ensemble::Ensemble() : Ensemble(EnsembleOptions{}) {}

Ensemble::Ensemble(const EnsembleOptions& options)
    : options_(options),
      components_(std::make_unique<Components>(options)),
      filter_(options.filter) {}

Ensemble::~Ensemble() = default;
Ensemble::Ensemble(Ensemble&&) noexcept = default;
Ensemble& Ensemble::operator=(Ensemble&&) noexcept = default;

DetectorOutput Ensemble::update(const Point& point) {
    if (!std::isfinite(point.value)) {
        return {};
    }
    DetectorOutput robust = components_->robust.update(point);
    robust.detector = components_->robust.name();
    DetectorOutput holt = components_->holt.update(point);
    holt.detector = components_->holt.name();
    // The component with the lower score wins: both must agree before a point is anomalous.
    DetectorOutput out = robust.anomaly_score <= holt.anomaly_score ? robust : holt;
    out.is_anomaly = out.is_anomaly && filter_.report(point, out);
    return out;
}

size_t Ensemble::memoryBytes() const {
    return sizeof(*this) + sizeof(Components) - sizeof(RobustZScore) - sizeof(HoltSmoother) +
           components_->robust.memoryBytes() + components_->holt.memoryBytes();
}

void Ensemble::save(StateWriter& out) const {
    out.header(state_tag::kEnsemble, 1);
    components_->robust.save(out);
    components_->holt.save(out);
    filter_.save(out);
}

void Ensemble::load(StateReader& in) {
    in.expectHeader(state_tag::kEnsemble, 1);
    components_->robust.load(in);
    components_->holt.load(in);
    filter_.load(in);
}

}  // namespace infrasage::detect
