#include "detect/RangeNovelty.h"

#include <algorithm>
#include <cmath>

namespace infrasage::detect {

namespace {
// A range of zero (a constant series) still needs a yardstick: a tiny relative one, so that any
// departure from a constant is a strong novelty.
double yardstick(double low, double high) {
    return std::max(high - low, 1e-9 * std::fabs(high) + 1e-12);
}
}  // namespace

RangeNovelty::RangeNovelty() : RangeNovelty(Options{}) {}

RangeNovelty::RangeNovelty(const Options& options) : options_(options) {}

double RangeNovelty::update(double value) {
    double score = 0.0;
    last_excess_ = 0.0;
    if (seen_ == 0) {
        low_ = high_ = value;
    } else if (seen_ > options_.warmup) {
        const double range = yardstick(low_, high_);
        const double excess = std::max(value - high_, low_ - value) / range;
        if (excess > 0.0) {
            last_excess_ = value > high_ ? excess : -excess;
            const double margin = options_.record_margin * static_cast<double>(records_);
            if (excess > margin) {
                score = std::min(1.0, 0.5 + excess - margin);
            }
            ++records_;
        }
    }
    low_ = std::min(low_, value);
    high_ = std::max(high_, value);
    ++seen_;
    return score;
}

void RangeNovelty::save(StateWriter& out) const {
    out.header(state_tag::kRangeNovelty, 1);
    out.f64(low_);
    out.f64(high_);
    out.u64(seen_);
    out.u64(records_);
}

void RangeNovelty::load(StateReader& in) {
    in.expectHeader(state_tag::kRangeNovelty, 1);
    low_ = in.f64();
    high_ = in.f64();
    seen_ = in.u64();
    records_ = in.u64();
    last_excess_ = 0.0;
}

}  // namespace infrasage::detect
