#include "detect/FlatlineDetector.h"

#include <algorithm>
#include <cmath>

namespace infrasage::detect {

FlatlineDetector::FlatlineDetector() : FlatlineDetector(Options{}) {}

FlatlineDetector::FlatlineDetector(const Options& options) : options_(options) {}

double FlatlineDetector::update(double value) {
    const bool repeat =
        seen_ > 0 && std::fabs(value - previous_) <= 1e-9 * std::max(1.0, std::fabs(value));
    if (repeat) {
        ++run_;
    } else {
        longest_run_ = std::max(longest_run_, run_);
        run_ = 0;
    }
    previous_ = value;
    ++seen_;
    const uint64_t abnormal = std::max(options_.min_run, options_.run_factor * longest_run_);
    return seen_ > options_.warmup && run_ == abnormal ? 0.75 : 0.0;
}

void FlatlineDetector::save(StateWriter& out) const {
    out.header(state_tag::kFlatlineDetector, 1);
    out.f64(previous_);
    out.u64(run_);
    out.u64(longest_run_);
    out.u64(seen_);
}

void FlatlineDetector::load(StateReader& in) {
    in.expectHeader(state_tag::kFlatlineDetector, 1);
    previous_ = in.f64();
    run_ = in.u64();
    longest_run_ = in.u64();
    seen_ = in.u64();
}

}  // namespace infrasage::detect
