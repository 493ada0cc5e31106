// detect/IsolationForest: the isolation forest of Liu, Ting & Zhou (2008) over rows of d numeric
// features. Each tree is grown on a random subsample of psi rows by cutting a random feature at a
// uniformly random value between its minimum and maximum in the node, down to a height limit of
// ceil(log2 psi). A point that is isolated after few cuts is unusual: score(x) =
// 2^(-E[h(x)] / c(psi)), where h is the path length (plus c(size) for the rows left together in
// the external node it ends in) and c(n) the average path length of an unsuccessful search in a
// binary search tree of n keys. About 0.5 everywhere means nothing stands out; towards 1 an
// outlier; well below 0.5 a point in a dense region.
//
// Catches: joint (multivariate) outliers, including points where every feature is within its own
//   usual range but the combination is not (a change in the relationship between metrics).
// Misses: slow drifts the training rows absorb; anomalies along one metric that the univariate
//   layer already sees (they are caught here too, but later and less precisely); points inside
//   the bounding box of training data that only a diagonal cut would separate (axis-parallel cuts
//   isolate them late, so very strong correlations are guarded less tightly than a Mahalanobis
//   distance would); how far a point lies beyond the training range (cuts never fall outside it,
//   so a point 6 sigma out along one feature scores like the most extreme training rows on that
//   side: high, not higher); a feature that was constant in training is never cut, so no change in
//   it is seen until the next training.
// Invariance: cuts are uniform between a feature's minimum and maximum, so the forest is the same
//   under any increasing affine rescaling of one feature (units do not matter; no scaling needed).
// Cost: train O(t psi log psi) plus the O(t psi) subsampling; score O(t log psi) per point, no
//   allocation. Memory: nodes of 16 bytes in one flat array, at most 2 psi - 1 per tree (about
//   half that in practice); 100 trees of psi = 256 are a few hundred KiB.
// Determinism: the forest is a function of (rows, seed) only — the generator is reseeded at each
//   train() and its draws are turned into numbers by hand, not by <random>'s distributions, so the
//   same rows grow the same forest on every platform (checkpoints rely on this).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace infrasage::detect {

class IsolationForest {
  public:
    struct Options {
        size_t trees = 100;        // t
        size_t sample_size = 256;  // psi; fewer rows than this train on all rows.
        uint64_t seed = 0x1f0e57ULL;
    };

    IsolationForest();
    explicit IsolationForest(const Options& options);

    // rows: row-major, rows.size() / dims rows of `dims` features each, all finite. Replaces any
    // previous forest. Throws std::invalid_argument on no rows or a size not a multiple of dims.
    void train(std::span<const double> rows, size_t dims);

    // In (0, 1). Requires trained() and x.size() == dims(); a NaN feature goes right at every cut.
    double score(std::span<const double> x) const;
    // E[h(x)]: the mean adjusted path length over the trees.
    double meanPathLength(std::span<const double> x) const;

    bool trained() const { return !roots_.empty(); }
    size_t dims() const { return dims_; }
    size_t nodeCount() const { return nodes_.size(); }
    size_t memoryBytes() const;

    // c(n) = 2 H(n-1) - 2 (n-1) / n with H(i) ~ ln i + Euler's gamma; c(2) = 1, c(0) = c(1) = 0.
    static double averagePathLength(size_t n);

  private:
    // Internal node: rows with x[feature] <= value continue at the next node (the left subtree is
    // laid out right after its parent), the others at `right`. External node: feature == kLeaf
    // and value is the whole adjusted path length, depth + c(rows that reached it).
    struct Node {
        double value = 0.0;
        uint32_t feature = 0;
        uint32_t right = 0;
    };
    static constexpr uint32_t kLeaf = UINT32_MAX;

    class Builder;

    Options options_;
    size_t dims_ = 0;
    double normaliser_ = 1.0;  // c(psi) of the subsample size actually used.
    std::vector<Node> nodes_;
    std::vector<uint32_t> roots_;
};

}  // namespace infrasage::detect
