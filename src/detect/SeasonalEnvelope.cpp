#include "detect/SeasonalEnvelope.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace infrasage::detect {

namespace {

constexpr int64_t kSlotSeconds = 3600;
constexpr int64_t kDaySeconds = 86400;
constexpr double kSpreadAlpha = 0.005;   // ~200-point memory for the overall spread
constexpr double kResidualAlpha = 0.01;  // ~100-point memory for "residuals are mostly zero"
constexpr double kActiveFraction = 0.5;  // envelope width and residuals vs overall spread
constexpr double kResidualMargin = 1.5;  // a violation beats the largest residual by 50 %
constexpr int64_t kLearnResidualsAfter = 2 * kDaySeconds;
constexpr int64_t kJudgeAfter = 3 * kDaySeconds;
constexpr double kWeekdayAlpha = 0.3;
constexpr double kWeekdayNoiseAlpha = 0.2;
constexpr double kWeeklyContrast = 3.0;  // weekday level spread vs same-weekday noise
constexpr uint8_t kWeekdaySamples = 2;

int64_t floorDiv(int64_t a, int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

size_t weekday(int64_t day) {
    return static_cast<size_t>(((day % 7) + 7) % 7);
}

size_t slotOfDay(int64_t absolute_slot) {
    constexpr auto kSlots = static_cast<int64_t>(SeasonalEnvelope::kSlots);
    return static_cast<size_t>(((absolute_slot % kSlots) + kSlots) % kSlots);
}

// 0.5 at ratio 1, rising by 0.5 per unit above it (capped at 1); proportional below.
double ratioScore(double ratio) {
    return ratio > 1.0 ? std::min(1.0, 0.5 + 0.5 * (ratio - 1.0)) : 0.5 * ratio;
}

}  // namespace

SeasonalEnvelope::SeasonalEnvelope() {
    slot_min_.fill(std::numeric_limits<float>::quiet_NaN());
    slot_max_.fill(std::numeric_limits<float>::quiet_NaN());
}

SeasonalEnvelope::Judgement SeasonalEnvelope::update(int64_t timestamp, double value) {
    if (seen_ == 0) {
        first_timestamp_ = timestamp;
        level_ = value;
    }
    const int64_t slot = floorDiv(timestamp, kSlotSeconds);
    const int64_t day = floorDiv(timestamp, kDaySeconds);
    if (current_slot_ >= 0 && slot != current_slot_) {
        closeSlot();
    }
    if (current_day_ >= 0 && day != current_day_) {
        closeDay();
    }
    Judgement j;
    const size_t s = slotOfDay(slot);
    j.known = !std::isnan(slot_min_[s]);
    if (j.known) {
        const double shift = weekdayShift(day);
        j.lower = static_cast<double>(slot_min_[s]) + shift;
        j.upper = static_cast<double>(slot_max_[s]) + shift;
        const double residual = std::max({0.0, value - j.upper, j.lower - value});
        const double width = width_sum_ / static_cast<double>(std::max<uint64_t>(1, known_slots_));
        residual_ += kResidualAlpha * (residual - residual_);
        j.seasonal = width < kActiveFraction * spread_ && residual_ < kActiveFraction * spread_;
        const int64_t elapsed = timestamp - first_timestamp_;
        if (j.seasonal && max_residual_ > 0.0 && elapsed > kJudgeAfter) {
            j.score = ratioScore(residual / (kResidualMargin * max_residual_));
        }
        if (elapsed > kLearnResidualsAfter) {
            max_residual_ = std::max(max_residual_, residual);
        }
    }
    const bool new_slot = slot != current_slot_;
    current_min_ = new_slot ? value : std::min(current_min_, value);
    current_max_ = new_slot ? value : std::max(current_max_, value);
    current_slot_ = slot;
    current_day_ = day;
    day_sum_ += value;
    ++day_points_;
    learnSpread(value);
    ++seen_;
    return j;
}

void SeasonalEnvelope::learnSpread(double value) {
    level_ += kSpreadAlpha * (value - level_);
    spread_ += kSpreadAlpha * (std::fabs(value - level_) - spread_);
}

void SeasonalEnvelope::closeSlot() {
    const size_t s = slotOfDay(current_slot_);
    if (std::isnan(slot_min_[s])) {
        ++known_slots_;
    } else {
        width_sum_ -= static_cast<double>(slot_max_[s]) - static_cast<double>(slot_min_[s]);
    }
    slot_min_[s] = static_cast<float>(current_min_);
    slot_max_[s] = static_cast<float>(current_max_);
    width_sum_ += static_cast<double>(slot_max_[s]) - static_cast<double>(slot_min_[s]);
}

void SeasonalEnvelope::closeDay() {
    if (day_points_ == 0) {
        return;
    }
    const double mean = day_sum_ / static_cast<double>(day_points_);
    const size_t wd = weekday(current_day_);
    if (weekday_seen_[wd] == 0) {
        weekday_level_[wd] = mean;
    } else {
        weekday_noise_ +=
            kWeekdayNoiseAlpha * (std::fabs(mean - weekday_level_[wd]) - weekday_noise_);
        weekday_level_[wd] += kWeekdayAlpha * (mean - weekday_level_[wd]);
    }
    weekday_seen_[wd] = static_cast<uint8_t>(std::min(255, weekday_seen_[wd] + 1));
    day_sum_ = 0.0;
    day_points_ = 0;
}

bool SeasonalEnvelope::weeklyRhythm() const {
    if (std::any_of(weekday_seen_.begin(), weekday_seen_.end(),
                    [](uint8_t n) { return n < kWeekdaySamples; })) {
        return false;
    }
    const auto [lo, hi] = std::minmax_element(weekday_level_.begin(), weekday_level_.end());
    return *hi - *lo > kWeeklyContrast * weekday_noise_;
}

// The envelope of an hour was learnt on the previous day; on a weekly series the level moves
// by the difference between today's and yesterday's weekday levels.
double SeasonalEnvelope::weekdayShift(int64_t day) const {
    if (!weeklyRhythm()) {
        return 0.0;
    }
    return weekday_level_[weekday(day)] - weekday_level_[weekday(day - 1)];
}

void SeasonalEnvelope::save(StateWriter& out) const {
    out.header(state_tag::kSeasonalEnvelope, 1);
    for (size_t i = 0; i < kSlots; ++i) {
        out.f32(slot_min_[i]);
        out.f32(slot_max_[i]);
    }
    for (size_t i = 0; i < kDays; ++i) {
        out.f64(weekday_level_[i]);
        out.u8(weekday_seen_[i]);
    }
    for (const double v : {width_sum_, current_min_, current_max_, day_sum_, weekday_noise_, level_,
                           spread_, residual_, max_residual_}) {
        out.f64(v);
    }
    for (const int64_t v : {first_timestamp_, current_slot_, current_day_}) {
        out.i64(v);
    }
    out.u64(known_slots_);
    out.u64(day_points_);
    out.u64(seen_);
}

void SeasonalEnvelope::load(StateReader& in) {
    in.expectHeader(state_tag::kSeasonalEnvelope, 1);
    for (size_t i = 0; i < kSlots; ++i) {
        slot_min_[i] = in.f32();
        slot_max_[i] = in.f32();
    }
    for (size_t i = 0; i < kDays; ++i) {
        weekday_level_[i] = in.f64();
        weekday_seen_[i] = in.u8();
    }
    for (double* v : {&width_sum_, &current_min_, &current_max_, &day_sum_, &weekday_noise_,
                      &level_, &spread_, &residual_, &max_residual_}) {
        *v = in.f64();
    }
    for (int64_t* v : {&first_timestamp_, &current_slot_, &current_day_}) {
        *v = in.i64();
    }
    known_slots_ = in.u64();
    day_points_ = in.u64();
    seen_ = in.u64();
    if (known_slots_ > kSlots) {
        throw StateCodecError("seasonal envelope state is inconsistent");
    }
}

}  // namespace infrasage::detect
