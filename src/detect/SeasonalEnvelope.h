// detect/SeasonalEnvelope: the seasonal baseline. For each hour of the day it remembers the
// [min, max] the series showed in that hour the last time (yesterday), shifted by the
// day-of-week level difference when the series has a weekly rhythm; a value's residual is its
// distance outside that envelope. The baseline is used only while the series shows the daily
// period: envelopes narrow against the series' overall spread and residuals mostly zero.
//
// Catches: seasonal violations inside the overall range — a daily peak that does not come, comes
//   lower or at the wrong time, a flat stretch where the day normally moves, a weekday that looks
//   like a weekend — once residuals exceed 1.5 times the largest residual seen after two days.
// Misses: anything on series without a daily rhythm (the baseline switches itself off), the first
//   three days of a series, changes that stay inside yesterday's envelope for that hour;
//   weekly shape changes beyond a level shift (only the weekday level is modelled).
// Cost per point: O(1). State: 24 hourly envelopes as floats (192 bytes), 7 weekday levels,
//   a few scalars — about 380 bytes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "detect/StateCodec.h"

namespace infrasage::detect {

class SeasonalEnvelope {
  public:
    static constexpr size_t kSlots = 24;  // hours of the day
    static constexpr size_t kDays = 7;

    struct Judgement {
        bool seasonal = false;  // the baseline is active for this series now
        bool known = false;     // an envelope exists for this point's hour
        double lower = 0.0;
        double upper = 0.0;
        double score = 0.0;  // 0.5 at 1.5 × the largest residual seen so far
    };

    SeasonalEnvelope();

    // Judges (timestamp in unix seconds, value) against the envelopes, then learns the point.
    Judgement update(int64_t timestamp, double value);

    void save(StateWriter& out) const;
    void load(StateReader& in);

  private:
    double weekdayShift(int64_t day) const;
    bool weeklyRhythm() const;
    void closeSlot();
    void closeDay();
    void learnSpread(double value);

    std::array<float, kSlots> slot_min_{};
    std::array<float, kSlots> slot_max_{};
    std::array<double, kDays> weekday_level_{};  // EWMA of each weekday's mean
    std::array<uint8_t, kDays> weekday_seen_{};  // days seen per weekday, saturating
    double width_sum_ = 0.0;                     // sum of known envelopes' widths
    uint64_t known_slots_ = 0;
    int64_t first_timestamp_ = 0;
    int64_t current_slot_ = -1;  // absolute hour index of the slot being filled
    int64_t current_day_ = -1;   // absolute day index
    double current_min_ = 0.0;
    double current_max_ = 0.0;
    double day_sum_ = 0.0;
    uint64_t day_points_ = 0;
    double weekday_noise_ = 0.0;  // EWMA of |day mean − its weekday's level|
    double level_ = 0.0;          // slow EWMA of the value
    double spread_ = 0.0;         // slow EWMA of |value − level|
    double residual_ = 0.0;       // EWMA of residuals
    double max_residual_ = 0.0;
    uint64_t seen_ = 0;
};

}  // namespace infrasage::detect
