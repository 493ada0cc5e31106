// detect/LocalRangeNovelty: an excursion far outside the series' recent range — the value leaves
// the [min, max] of roughly the last `window` points by more than `margin` times that range.
// The window is kept as per-block extremes (blocks of window/blocks points), so the state is
// 2·blocks floats whatever the window, and the window slides a block at a time.
//
// Catches: spikes and level shifts inside the historical range but far outside recent behaviour
//   (a second incident after a calm spell, a shift back to an old level), which RangeNovelty
//   cannot see once an earlier outlier widened its range.
// Misses: excursions within `margin` recent ranges (by design: a volatile series needs a larger
//   excursion), repeats of an excursion still inside the window, slow drifts.
// Cost per point: O(blocks) for the range, ~10 ns at 8 blocks. State: 8 blocks, about 120 bytes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "detect/StateCodec.h"

namespace infrasage::detect {

class LocalRangeNovelty {
  public:
    static constexpr size_t kBlocks = 8;

    struct Options {
        size_t block_points = 64;  // window = kBlocks * block_points points (512)
        double margin = 1.0;       // excursion, in recent ranges, at which the score reaches 0.5
    };

    LocalRangeNovelty();
    explicit LocalRangeNovelty(const Options& options);

    // `floor` is the smallest range to measure against (callers pass a fraction of the long-term
    // range, so a locally flat series does not turn every wobble into an excursion). Returns
    // 0.5·excursion/margin below the margin, 0.5 + 0.25·(excursion − margin) above (≤ 0.75).
    double update(double value, double floor);

    void save(StateWriter& out) const;
    void load(StateReader& in);

  private:
    bool ready() const { return filled_ * 2 >= kBlocks; }
    void push(double value);

    Options options_;
    std::array<float, kBlocks> block_min_{};
    std::array<float, kBlocks> block_max_{};
    size_t filled_ = 0;  // complete blocks held
    size_t next_ = 0;    // block slot the current block goes to
    double current_min_ = 0.0;
    double current_max_ = 0.0;
    size_t current_points_ = 0;
};

}  // namespace infrasage::detect
