#include "detect/AnomalyFilter.h"

#include <cmath>
#include <stdexcept>

namespace infrasage::detect {

AnomalyFilter::AnomalyFilter() : AnomalyFilter(Options{}) {}

AnomalyFilter::AnomalyFilter(const Options& options) : options_(options) {
    if (options.min_abs_deviation < 0.0 || options.cooldown_seconds < 0) {
        throw std::invalid_argument("AnomalyFilter limits must not be negative");
    }
}

void AnomalyFilter::save(StateWriter& out) const {
    out.header(state_tag::kAnomalyFilter, 1);
    out.u8(last_reported_ ? 1 : 0);
    out.i64(last_reported_.value_or(0));
}

void AnomalyFilter::load(StateReader& in) {
    in.expectHeader(state_tag::kAnomalyFilter, 1);
    const bool has = in.u8() != 0;
    const int64_t at = in.i64();
    last_reported_ = has ? std::optional<int64_t>(at) : std::nullopt;
}

bool AnomalyFilter::report(const Point& point, const DetectorOutput& output) {
    if (!output.is_anomaly) {
        return false;
    }
    const double deviation = point.value - output.expected;
    if (!directionMatches(deviation)) {
        return false;
    }
    if (std::fabs(deviation) < options_.min_abs_deviation) {
        return false;
    }
    if (!cooledDown(point.timestamp)) {
        return false;
    }
    last_reported_ = point.timestamp;
    return true;
}

bool AnomalyFilter::directionMatches(double deviation) const {
    switch (options_.direction) {
        case Direction::Above:
            return deviation > 0.0;
        case Direction::Below:
            return deviation < 0.0;
        case Direction::Both:
            return true;  // also a flatline, which sits exactly on its expected value
    }
    return false;
}

bool AnomalyFilter::cooledDown(int64_t timestamp) const {
    return !last_reported_ || timestamp - *last_reported_ >= options_.cooldown_seconds;
}

}  // namespace infrasage::detect
