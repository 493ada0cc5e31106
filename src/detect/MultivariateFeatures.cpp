#include "detect/MultivariateFeatures.h"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace infrasage::detect {

namespace {
constexpr int64_t kSecondsPerDay = 86'400;
// Local checkpoint tag (StateCodec's state_tag owns the registry; this value is reserved there).
constexpr uint8_t kVersion = 1;
}  // namespace

MultivariateFeatures::MultivariateFeatures(size_t metrics)
    : metrics_(metrics), last_(metrics), previous_(metrics) {
    if (metrics == 0) {
        throw std::invalid_argument("MultivariateFeatures needs at least one metric");
    }
}

bool MultivariateFeatures::push(int64_t timestamp, std::span<const double> values,
                                std::span<double> out) {
    if (values.size() != metrics_ || out.size() != dims()) {
        throw std::invalid_argument("MultivariateFeatures::push: wrong row or feature size");
    }
    if (rows_ == 0) {
        for (const double v : values) {
            if (!std::isfinite(v)) {
                return false;
            }
        }
    }
    const bool ready = rows_ >= 2;
    for (size_t j = 0; j < metrics_; ++j) {
        const double v = std::isfinite(values[j]) ? values[j] : last_[j];
        if (ready) {
            const double d1 = v - last_[j];
            out[j] = v;
            out[levelDims() + 2 * j] = d1;
            out[levelDims() + 2 * j + 1] = d1 - (last_[j] - previous_[j]);
        }
        previous_[j] = last_[j];
        last_[j] = v;
    }
    ++rows_;
    if (ready) {
        const int64_t second_of_day =
            ((timestamp % kSecondsPerDay) + kSecondsPerDay) % kSecondsPerDay;
        const double angle = 2.0 * std::numbers::pi * static_cast<double>(second_of_day) /
                             static_cast<double>(kSecondsPerDay);
        out[metrics_] = std::sin(angle);
        out[metrics_ + 1] = std::cos(angle);
    }
    return ready;
}

size_t MultivariateFeatures::memoryBytes() const {
    return sizeof(*this) + (last_.capacity() + previous_.capacity()) * sizeof(double);
}

void MultivariateFeatures::save(StateWriter& out) const {
    out.header(state_tag::kMultivariateFeatures, kVersion);
    out.u64(metrics_);
    out.u64(rows_);
    for (size_t j = 0; j < metrics_; ++j) {
        out.f64(last_[j]);
        out.f64(previous_[j]);
    }
}

void MultivariateFeatures::load(StateReader& in) {
    in.expectHeader(state_tag::kMultivariateFeatures, kVersion);
    if (in.u64() != metrics_) {
        throw StateCodecError("MultivariateFeatures: checkpoint has another number of metrics");
    }
    rows_ = in.u64();
    for (size_t j = 0; j < metrics_; ++j) {
        last_[j] = in.f64();
        previous_[j] = in.f64();
    }
}

}  // namespace infrasage::detect
