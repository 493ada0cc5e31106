#include "detect/IsolationForest.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

namespace infrasage::detect {

namespace {
constexpr double kEulerGamma = 0.5772156649015329;

const IsolationForest::Options& checked(const IsolationForest::Options& options) {
    if (options.trees == 0) {
        throw std::invalid_argument("IsolationForest needs at least one tree");
    }
    if (options.sample_size < 2) {
        throw std::invalid_argument("IsolationForest sample_size must be >= 2");
    }
    return options;
}

// Uniform in [0, 1) from the top 53 bits: the same on every standard library.
double unit(std::mt19937_64& rng) {
    return static_cast<double>(rng() >> 11U) * 0x1.0p-53;
}

// Uniform in [0, n); the modulo bias is below 2^-50 for the sizes used here.
size_t below(std::mt19937_64& rng, size_t n) {
    return static_cast<size_t>(rng() % static_cast<uint64_t>(n));
}
}  // namespace

// Grows the trees of one train() call into the forest's flat node array.
class IsolationForest::Builder {
  public:
    Builder(IsolationForest& forest, std::span<const double> rows, size_t row_count)
        : forest_(forest), rows_(rows), rng_(forest.options_.seed), all_(row_count) {
        std::iota(all_.begin(), all_.end(), uint32_t{0});
        sample_.resize(std::min(forest.options_.sample_size, row_count));
        height_limit_ =
            static_cast<size_t>(std::ceil(std::log2(static_cast<double>(sample_.size()))));
    }

    size_t sampleSize() const { return sample_.size(); }

    void growTree() {
        // A partial Fisher-Yates shuffle of all_ draws psi distinct rows; all_ stays a permutation,
        // so the next tree can shuffle it again from where it is.
        for (size_t i = 0; i < sample_.size(); ++i) {
            std::swap(all_[i], all_[i + below(rng_, all_.size() - i)]);
            sample_[i] = all_[i];
        }
        forest_.roots_.push_back(static_cast<uint32_t>(forest_.nodes_.size()));
        grow(0, sample_.size(), 0);
    }

  private:
    double at(uint32_t row, size_t feature) const {
        return rows_[static_cast<size_t>(row) * forest_.dims_ + feature];
    }

    void grow(size_t begin, size_t end, size_t depth) {
        const size_t index = forest_.nodes_.size();
        forest_.nodes_.emplace_back();
        const size_t count = end - begin;
        double low = 0.0;
        double high = 0.0;
        const size_t feature =
            count > 1 && depth < height_limit_ ? pickFeature(begin, end, low, high) : forest_.dims_;
        if (feature == forest_.dims_) {
            forest_.nodes_[index] = {static_cast<double>(depth) + averagePathLength(count), kLeaf,
                                     0};
            return;
        }
        // The cut lies in [low, high), and rows equal to it go left: both sides are non-empty.
        const double cut = low + unit(rng_) * (high - low);
        const auto middle = std::partition(sample_.begin() + static_cast<std::ptrdiff_t>(begin),
                                           sample_.begin() + static_cast<std::ptrdiff_t>(end),
                                           [&](uint32_t row) { return at(row, feature) <= cut; });
        const auto split = static_cast<size_t>(middle - sample_.begin());
        grow(begin, split, depth + 1);
        const auto right = static_cast<uint32_t>(forest_.nodes_.size());
        grow(split, end, depth + 1);
        forest_.nodes_[index] = {cut, static_cast<uint32_t>(feature), right};
    }

    // A random feature that still varies among the node's rows (scanning on from a random start
    // past constant ones), with its range; dims_ when every feature is constant here.
    size_t pickFeature(size_t begin, size_t end, double& low, double& high) {
        const size_t dims = forest_.dims_;
        const size_t start = below(rng_, dims);
        for (size_t k = 0; k < dims; ++k) {
            const size_t feature = (start + k) % dims;
            low = high = at(sample_[begin], feature);
            for (size_t i = begin + 1; i < end; ++i) {
                const double v = at(sample_[i], feature);
                low = std::min(low, v);
                high = std::max(high, v);
            }
            if (high > low) {
                return feature;
            }
        }
        return dims;
    }

    IsolationForest& forest_;
    std::span<const double> rows_;
    std::mt19937_64 rng_;
    std::vector<uint32_t> all_;
    std::vector<uint32_t> sample_;
    size_t height_limit_ = 0;
};

IsolationForest::IsolationForest() : IsolationForest(Options{}) {}

IsolationForest::IsolationForest(const Options& options) : options_(checked(options)) {}

void IsolationForest::train(std::span<const double> rows, size_t dims) {
    if (dims == 0 || rows.empty() || rows.size() % dims != 0) {
        throw std::invalid_argument("IsolationForest::train needs whole rows of dims features");
    }
    if (rows.size() / dims > UINT32_MAX) {
        throw std::invalid_argument("IsolationForest::train: too many rows");
    }
    dims_ = dims;
    nodes_.clear();
    roots_.clear();
    Builder builder(*this, rows, rows.size() / dims);
    nodes_.reserve(options_.trees * builder.sampleSize());
    roots_.reserve(options_.trees);
    for (size_t t = 0; t < options_.trees; ++t) {
        builder.growTree();
    }
    nodes_.shrink_to_fit();
    normaliser_ = std::max(averagePathLength(builder.sampleSize()), 1.0);
}

double IsolationForest::meanPathLength(std::span<const double> x) const {
    double total = 0.0;
    for (const uint32_t root : roots_) {
        const Node* node = &nodes_[root];
        while (node->feature != kLeaf) {
            node = x[node->feature] <= node->value ? node + 1 : &nodes_[node->right];
        }
        total += node->value;
    }
    return total / static_cast<double>(roots_.size());
}

double IsolationForest::score(std::span<const double> x) const {
    if (!trained() || x.size() != dims_) {
        throw std::invalid_argument(
            "IsolationForest::score: untrained or wrong number of features");
    }
    return std::exp2(-meanPathLength(x) / normaliser_);
}

size_t IsolationForest::memoryBytes() const {
    return sizeof(*this) + nodes_.capacity() * sizeof(Node) + roots_.capacity() * sizeof(uint32_t);
}

double IsolationForest::averagePathLength(size_t n) {
    if (n <= 1) {
        return 0.0;
    }
    if (n == 2) {
        return 1.0;
    }
    const auto m = static_cast<double>(n - 1);
    return 2.0 * (std::log(m) + kEulerGamma) - 2.0 * m / static_cast<double>(n);
}

}  // namespace infrasage::detect
