#include "detect/RobustZScore.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <span>
#include <stdexcept>

#include "detect/ZScoreBand.h"

namespace infrasage::detect {

namespace {
// MAD * 1.4826 estimates sigma for Gaussian data; mean |x - median| * 1.2533 does too.
constexpr double kMadToSigma = 1.4826;
constexpr double kMeanAbsToSigma = 1.2533;

const RobustZScore::Options& checked(const RobustZScore::Options& options) {
    if (options.window < 2 || options.window > RobustZScore::kMaxWindow) {
        throw std::invalid_argument("RobustZScore window must be in [2, 256]");
    }
    if (options.warmup < 3) {
        throw std::invalid_argument("RobustZScore warmup must be >= 3");
    }
    if (!(options.threshold > 0.0)) {
        throw std::invalid_argument("RobustZScore threshold must be positive");
    }
    return options;
}

// Upper median (the element at n/2): exact for odd n, and unbiased enough for even n without a
// second selection pass.
double median(std::span<double> values) {
    const auto mid = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
    std::nth_element(values.begin(), mid, values.end());
    return *mid;
}

struct Baseline {
    double center = 0.0;
    double sigma = 0.0;
};

Baseline robustBaseline(std::span<const double> window) {
    thread_local std::array<double, RobustZScore::kMaxWindow> scratch;
    const std::span<double> work(scratch.data(), window.size());
    std::copy(window.begin(), window.end(), work.begin());
    Baseline b;
    b.center = median(work);
    double mean_abs = 0.0;
    for (double& v : work) {
        v = std::fabs(v - b.center);
        mean_abs += v;
    }
    mean_abs /= static_cast<double>(work.size());
    const double mad = median(work);
    b.sigma = mad > 0.0 ? kMadToSigma * mad : kMeanAbsToSigma * mean_abs;
    return b;
}
}  // namespace

RobustZScore::RobustZScore() : RobustZScore(Options{}) {}

RobustZScore::RobustZScore(const Options& options)
    : options_(checked(options)), window_(options.window) {}

DetectorOutput RobustZScore::update(const Point& point) {
    if (!std::isfinite(point.value)) {
        return {};
    }
    DetectorOutput out;
    if (window_.size() >= 1) {
        const Baseline b = robustBaseline(window_.values());
        out = ZScoreBand::judge(point.value, b.center, b.sigma, options_.threshold,
                                seen_ >= options_.warmup);
    }
    ++seen_;
    window_.push(point.value);
    return out;
}

void RobustZScore::save(StateWriter& out) const {
    out.header(state_tag::kRobustZScore, 1);
    window_.save(out);
    out.u64(seen_);
}

void RobustZScore::load(StateReader& in) {
    in.expectHeader(state_tag::kRobustZScore, 1);
    window_.load(in);
    seen_ = in.u64();
}

size_t RobustZScore::memoryBytes() const {
    return sizeof(*this) + window_.memoryBytes();
}

}  // namespace infrasage::detect
