#include "detect/LocalRangeNovelty.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace infrasage::detect {

LocalRangeNovelty::LocalRangeNovelty() : LocalRangeNovelty(Options{}) {}

LocalRangeNovelty::LocalRangeNovelty(const Options& options) : options_(options) {
    if (options.block_points == 0 || !(options.margin > 0.0)) {
        throw std::invalid_argument("LocalRangeNovelty needs blocks of at least one point");
    }
}

double LocalRangeNovelty::update(double value, double floor) {
    double score = 0.0;
    if (ready()) {
        double low = current_points_ > 0 ? current_min_ : static_cast<double>(block_min_[0]);
        double high = current_points_ > 0 ? current_max_ : static_cast<double>(block_max_[0]);
        for (size_t i = 0; i < filled_; ++i) {
            low = std::min(low, static_cast<double>(block_min_[i]));
            high = std::max(high, static_cast<double>(block_max_[i]));
        }
        const double range = std::max(high - low, floor + 1e-12);
        const double excursion = std::max(value - high, low - value) / range;
        if (excursion > options_.margin) {
            score = std::min(0.75, 0.5 + 0.25 * (excursion - options_.margin));
        } else if (excursion > 0.0) {
            score = 0.5 * excursion / options_.margin;
        }
    }
    push(value);
    return score;
}

void LocalRangeNovelty::push(double value) {
    current_min_ = current_points_ == 0 ? value : std::min(current_min_, value);
    current_max_ = current_points_ == 0 ? value : std::max(current_max_, value);
    if (++current_points_ < options_.block_points) {
        return;
    }
    // Rounded outwards, so a block's float extremes still contain every value it held.
    block_min_[next_] = std::nextafter(static_cast<float>(current_min_), -HUGE_VALF);
    block_max_[next_] = std::nextafter(static_cast<float>(current_max_), HUGE_VALF);
    next_ = (next_ + 1) % kBlocks;
    filled_ = std::min(filled_ + 1, kBlocks);
    current_points_ = 0;
}

void LocalRangeNovelty::save(StateWriter& out) const {
    out.header(state_tag::kLocalRangeNovelty, 1);
    for (size_t i = 0; i < kBlocks; ++i) {
        out.f32(block_min_[i]);
        out.f32(block_max_[i]);
    }
    out.u64(filled_);
    out.u64(next_);
    out.f64(current_min_);
    out.f64(current_max_);
    out.u64(current_points_);
}

void LocalRangeNovelty::load(StateReader& in) {
    in.expectHeader(state_tag::kLocalRangeNovelty, 1);
    for (size_t i = 0; i < kBlocks; ++i) {
        block_min_[i] = in.f32();
        block_max_[i] = in.f32();
    }
    filled_ = in.u64();
    next_ = in.u64();
    current_min_ = in.f64();
    current_max_ = in.f64();
    current_points_ = in.u64();
    if (filled_ > kBlocks || next_ >= kBlocks || current_points_ >= options_.block_points) {
        throw StateCodecError("local range state is inconsistent");
    }
}

}  // namespace infrasage::detect
