#include "detect/Ensemble.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>
#include <utility>

#include "detect/FlatlineDetector.h"
#include "detect/LocalRangeNovelty.h"
#include "detect/RangeNovelty.h"
#include "detect/RollingZScore.h"
#include "detect/SeasonalEnvelope.h"

namespace infrasage::detect {

namespace {
constexpr double kReportThreshold = 0.5;
constexpr double kHeldScore = 0.49;
// The local range is never measured against less than 1 % of the all-time range.
constexpr double kLocalFloorFraction = 0.01;
constexpr size_t kBandWindow = 20;
}  // namespace

struct Ensemble::Components {
    explicit Components(const EnsembleOptions& options)
        : band(RollingZScore::Options{
              .window = kBandWindow, .threshold = options.z_threshold, .warmup = 2}) {}

    RollingZScore band;
    SeasonalEnvelope seasonal;
    RangeNovelty range;
    LocalRangeNovelty local;
    FlatlineDetector flatline;
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
    Components& c = *components_;
    if (seen_ == 0) {
        first_timestamp_ = point.timestamp;
    }
    DetectorOutput out = c.band.update(point);
    const SeasonalEnvelope::Judgement seasonal = c.seasonal.update(point.timestamp, point.value);
    if (seasonal.seasonal && seasonal.known) {
        out.lower = seasonal.lower;
        out.upper = seasonal.upper;
        out.expected = 0.5 * (seasonal.lower + seasonal.upper);
    }
    const double floor = kLocalFloorFraction * (c.range.high() - c.range.low());
    const std::array<std::pair<double, std::string_view>, 4> votes{{
        {c.range.update(point.value), "range_novelty"},
        {c.local.update(point.value, floor), "local_range"},
        {seasonal.score, "seasonal"},
        {c.flatline.update(point.value), "flatline"},
    }};
    const auto best = std::max_element(
        votes.begin(), votes.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    ++seen_;
    out.anomaly_score = holdIncident(best->first);
    out.detector = best->first > 0.0 ? best->second : c.band.name();
    out.is_anomaly = out.anomaly_score >= kReportThreshold &&
                     point.timestamp - first_timestamp_ >= options_.warmup_seconds;
    out.is_anomaly = out.is_anomaly && filter_.report(point, out);
    return out;
}

// Keeps the score below the threshold for incident_points points after a detection.
double Ensemble::holdIncident(double score) {
    if (last_detection_ > 0 && seen_ - last_detection_ < options_.incident_points) {
        return std::min(score, kHeldScore);
    }
    if (score >= kReportThreshold) {
        last_detection_ = seen_;
    }
    return score;
}

size_t Ensemble::memoryBytes() const {
    return sizeof(*this) + sizeof(Components) - sizeof(RollingZScore) +
           components_->band.memoryBytes();
}

void Ensemble::save(StateWriter& out) const {
    out.header(state_tag::kEnsemble, 2);
    const Components& c = *components_;
    c.band.save(out);
    c.seasonal.save(out);
    c.range.save(out);
    c.local.save(out);
    c.flatline.save(out);
    filter_.save(out);
    out.u64(seen_);
    out.u64(last_detection_);
    out.i64(first_timestamp_);
}

void Ensemble::load(StateReader& in) {
    in.expectHeader(state_tag::kEnsemble, 2);
    Components& c = *components_;
    c.band.load(in);
    c.seasonal.load(in);
    c.range.load(in);
    c.local.load(in);
    c.flatline.load(in);
    filter_.load(in);
    seen_ = in.u64();
    last_detection_ = in.u64();
    first_timestamp_ = in.i64();
}

}  // namespace infrasage::detect
