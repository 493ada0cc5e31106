#include "detect/RollingZScore.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "detect/ZScoreBand.h"

namespace infrasage::detect {

namespace {
const RollingZScore::Options& checked(const RollingZScore::Options& options) {
    if (options.window < 2) {
        throw std::invalid_argument("RollingZScore window must be >= 2");
    }
    if (options.warmup < 2) {
        throw std::invalid_argument("RollingZScore warmup must be >= 2");
    }
    if (!(options.threshold > 0.0)) {
        throw std::invalid_argument("RollingZScore threshold must be positive");
    }
    return options;
}
}  // namespace

RollingZScore::RollingZScore() : RollingZScore(Options{}) {}

RollingZScore::RollingZScore(const Options& options)
    : options_(checked(options)), window_(options.window) {}

DetectorOutput RollingZScore::update(const Point& point) {
    if (!std::isfinite(point.value)) {
        return {};
    }
    DetectorOutput out;
    const size_t n = window_.size();
    if (n >= 2) {
        const double sigma = std::sqrt(std::max(0.0, m2_ / static_cast<double>(n - 1)));
        out = ZScoreBand::judge(point.value, mean_, sigma, options_.threshold,
                                seen_ >= options_.warmup);
    } else if (n == 1) {
        out.expected = out.lower = out.upper = mean_;
    }
    admit(point.value);
    return out;
}

void RollingZScore::admit(double value) {
    ++seen_;
    const std::optional<double> evicted = window_.push(value);
    const auto n = static_cast<double>(window_.size());
    if (evicted) {
        // Replace one value in a window of fixed size n.
        const double old_mean = mean_;
        mean_ += (value - *evicted) / n;
        m2_ += (value - *evicted) * (value - mean_ + *evicted - old_mean);
        if (++since_recompute_ >= window_.capacity()) {
            recompute();
        }
    } else {
        const double delta = value - mean_;
        mean_ += delta / n;
        m2_ += delta * (value - mean_);
    }
}

void RollingZScore::recompute() {
    since_recompute_ = 0;
    const auto values = window_.values();
    double sum = 0.0;
    for (const double v : values) {
        sum += v;
    }
    mean_ = sum / static_cast<double>(values.size());
    double m2 = 0.0;
    for (const double v : values) {
        m2 += (v - mean_) * (v - mean_);
    }
    m2_ = m2;
}

void RollingZScore::save(StateWriter& out) const {
    out.header(state_tag::kRollingZScore, 1);
    window_.save(out);
    out.f64(mean_);
    out.f64(m2_);
    out.u64(seen_);
    out.u64(since_recompute_);
}

void RollingZScore::load(StateReader& in) {
    in.expectHeader(state_tag::kRollingZScore, 1);
    window_.load(in);
    mean_ = in.f64();
    m2_ = in.f64();
    seen_ = in.u64();
    since_recompute_ = in.u64();
}

size_t RollingZScore::memoryBytes() const {
    return sizeof(*this) + window_.memoryBytes();
}

}  // namespace infrasage::detect
