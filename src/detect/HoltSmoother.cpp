#include "detect/HoltSmoother.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "detect/ZScoreBand.h"

namespace infrasage::detect {

namespace {
constexpr double kMeanAbsToSigma = 1.2533;

bool inUnit(double x) {
    return x > 0.0 && x <= 1.0;
}

const HoltSmoother::Options& checked(const HoltSmoother::Options& options) {
    if (!inUnit(options.alpha) || !inUnit(options.error_alpha) || options.beta < 0.0 ||
        options.beta > 1.0) {
        throw std::invalid_argument("HoltSmoother smoothing factors must be in (0, 1]");
    }
    if (!(options.threshold > 0.0)) {
        throw std::invalid_argument("HoltSmoother threshold must be positive");
    }
    if (options.warmup < 2) {
        throw std::invalid_argument("HoltSmoother warmup must be >= 2");
    }
    return options;
}
}  // namespace

HoltSmoother::HoltSmoother() : HoltSmoother(Options{}) {}

HoltSmoother::HoltSmoother(const Options& options) : options_(checked(options)) {}

DetectorOutput HoltSmoother::update(const Point& point) {
    if (!std::isfinite(point.value)) {
        return {};
    }
    if (seen_ == 0) {
        level_ = point.value;
        ++seen_;
        DetectorOutput first;
        first.expected = first.lower = first.upper = point.value;
        return first;
    }
    const double forecast = level_ + trend_;
    const double sigma = kMeanAbsToSigma * mean_abs_error_;
    const bool warmed_up = seen_ >= options_.warmup;
    const DetectorOutput out =
        ZScoreBand::judge(point.value, forecast, sigma, options_.threshold, warmed_up);
    // Before warm-up the band is not trusted yet, so errors are learned unclipped.
    const double limit = options_.threshold * sigma;
    const double error = point.value - forecast;
    learn(warmed_up && sigma > 0.0 ? std::clamp(error, -limit, limit) : error);
    ++seen_;
    return out;
}

void HoltSmoother::save(StateWriter& out) const {
    out.header(state_tag::kHoltSmoother, 1);
    out.f64(level_);
    out.f64(trend_);
    out.f64(mean_abs_error_);
    out.u64(seen_);
}

void HoltSmoother::load(StateReader& in) {
    in.expectHeader(state_tag::kHoltSmoother, 1);
    level_ = in.f64();
    trend_ = in.f64();
    mean_abs_error_ = in.f64();
    seen_ = in.u64();
}

void HoltSmoother::learn(double error) {
    const double old_level = level_;
    level_ = level_ + trend_ + options_.alpha * error;
    trend_ = trend_ + options_.beta * (level_ - old_level - trend_);
    mean_abs_error_ += options_.error_alpha * (std::fabs(error) - mean_abs_error_);
}

}  // namespace infrasage::detect
