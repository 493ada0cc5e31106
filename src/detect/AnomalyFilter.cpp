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
            return deviation != 0.0;
    }
    return false;
}

bool AnomalyFilter::cooledDown(int64_t timestamp) const {
    return !last_reported_ || timestamp - *last_reported_ >= options_.cooldown_seconds;
}

}  // namespace infrasage::detect
