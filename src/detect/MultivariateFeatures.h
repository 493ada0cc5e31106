// detect/MultivariateFeatures: turns one service's rows of k aligned per-interval metric values
// into the feature vectors of the multivariate layer. Owns the last two rows. 3k + 2 features per
// row, in two contiguous groups (ServiceForest grows one forest on each):
//   level  [0, k + 2):   the k values, then sin and cos of the UTC hour angle of the row's
//                        timestamp (so 23:59 is next to 00:00);
//   change [k + 2, 3k + 2): per metric, its first difference v_t - v_{t-1} and its second
//                        difference v_t - 2 v_{t-1} + v_{t-2}.
// Metrics keep the caller's order in both groups.
//
// Missing values: a non-finite value is replaced by that metric's last value (its differences
// are then 0 for that row: "no news"). Rows are dropped until one has a finite value for every
// metric; that row starts the carrying. The caller feeds one row per interval, a NaN for each
// metric that has no value in that interval, so differences stay differences per interval.
//
// Units are not rescaled: the isolation forest cuts each feature between its own minimum and
// maximum, so it is invariant to a feature's scale (IsolationForest.h) and bytes next to
// percentages need no normalisation.
//
// Cost per row: O(k), no allocation. State: two rows of k doubles.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "detect/StateCodec.h"

namespace infrasage::detect {

class MultivariateFeatures {
  public:
    explicit MultivariateFeatures(size_t metrics);

    size_t metrics() const { return metrics_; }
    size_t dims() const { return 3 * metrics_ + 2; }
    size_t levelDims() const { return metrics_ + 2; }
    size_t changeDims() const { return 2 * metrics_; }

    // Takes the row at `timestamp` (unix seconds; values.size() == metrics()) and writes dims()
    // features into `out` (out.size() == dims()). Returns false, with `out` untouched, while
    // fewer than two earlier rows are known, and for a dropped row.
    bool push(int64_t timestamp, std::span<const double> values, std::span<double> out);

    size_t memoryBytes() const;
    void save(StateWriter& out) const;
    void load(StateReader& in);

  private:
    size_t metrics_;
    std::vector<double> last_;      // v_{t-1}, after carrying missing values forward.
    std::vector<double> previous_;  // v_{t-2}.
    uint64_t rows_ = 0;             // Rows taken (not dropped).
};

}  // namespace infrasage::detect
