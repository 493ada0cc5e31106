#include "detect/ServiceForest.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace infrasage::detect {

namespace {
// Local checkpoint tag (StateCodec's state_tag owns the registry; this value is reserved there).
constexpr uint8_t kVersion = 1;
constexpr double kMinSpread = 1e-9;

const ServiceForest::Options& checked(const ServiceForest::Options& options) {
    if (options.window < 2 || options.retrain_every == 0) {
        throw std::invalid_argument("ServiceForest needs window >= 2 and retrain_every >= 1");
    }
    if (options.min_rows < 2 || options.min_rows > options.window) {
        throw std::invalid_argument("ServiceForest min_rows must be in [2, window]");
    }
    if (!(options.quantile > 0.5 && options.quantile < 1.0)) {
        throw std::invalid_argument("ServiceForest quantile must be in (0.5, 1)");
    }
    if (!(options.margin >= 1.0)) {
        throw std::invalid_argument("ServiceForest margin must be >= 1");
    }
    if (!(options.level_smoothing > 0.0 && options.level_smoothing <= 1.0)) {
        throw std::invalid_argument("ServiceForest level_smoothing must be in (0, 1]");
    }
    return options;
}

// The value at fraction p of the sorted scores (nearest rank, no interpolation).
double quantileOf(std::vector<double>& scores, double p) {
    const auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(scores.size())));
    const auto nth = scores.begin() +
                     static_cast<std::ptrdiff_t>(std::clamp<size_t>(rank, 1, scores.size()) - 1);
    std::nth_element(scores.begin(), nth, scores.end());
    return *nth;
}
}  // namespace

ServiceForest::ServiceForest(size_t metrics) : ServiceForest(metrics, Options{}) {}

ServiceForest::ServiceForest(size_t metrics, const Options& options)
    : options_(checked(options)),
      features_(metrics),
      dims_(features_.dims()),
      level_{IsolationForest(options.forest), 0, features_.levelDims(), options.level_smoothing},
      change_{IsolationForest(options.forest), features_.levelDims(), features_.changeDims(), 1.0},
      ring_((options.window + options.retrain_every) * dims_),
      row_(dims_) {}

MultivariateOutput ServiceForest::update(int64_t timestamp, std::span<const double> values) {
    MultivariateOutput out;
    if (!features_.push(timestamp, values, row_)) {
        return out;
    }
    if (trained()) {
        const std::span<const double> row(row_);
        const double level_raw =
            level_.smooth(level_.forest.score(row.subspan(level_.offset, level_.dims)));
        const double change_raw =
            change_.smooth(change_.forest.score(row.subspan(change_.offset, change_.dims)));
        out.scored = true;
        out.level_score = level_.calibrated(level_raw);
        out.change_score = change_.calibrated(change_raw);
        const bool level_wins = out.level_score >= out.change_score;
        out.anomaly_score = level_wins ? out.level_score : out.change_score;
        out.isolation_score = level_wins ? level_raw : change_raw;
        out.detector = level_wins ? "iforest_level" : "iforest_change";
        out.is_anomaly = out.anomaly_score >= 0.5;
    }
    learn(row_);
    return out;
}

void ServiceForest::learn(std::span<const double> row) {
    std::copy(row.begin(), row.end(), ring_.begin() + static_cast<std::ptrdiff_t>(head_ * dims_));
    head_ = (head_ + 1) % capacity();
    size_ = std::min(size_ + 1, capacity());
    ++since_training_;
    const bool first = !trained() && size_ >= options_.min_rows;
    if (first || (trained() && since_training_ >= options_.retrain_every)) {
        retrain(0, std::min(size_, options_.window));
    }
}

const double* ServiceForest::ringRow(size_t age) const {
    const size_t slot = (head_ + capacity() - size_ + age) % capacity();
    return ring_.data() + slot * dims_;
}

// Trains on the `rows` rows that precede the newest `skip_newest` ones (load() skips the rows that
// arrived after the training it reproduces).
void ServiceForest::retrain(size_t skip_newest, size_t rows) {
    const size_t first = size_ - skip_newest - rows;
    level_.train(*this, first, rows);
    change_.train(*this, first, rows);
    training_rows_ = rows;
    since_training_ = skip_newest;
}

// Copies this layer's columns of the training rows, grows the forest and calibrates it on their
// (smoothed) scores in time order; the smoothing then continues from the newest training row.
void ServiceForest::Layer::train(const ServiceForest& owner, size_t first, size_t rows) {
    std::vector<double> training(rows * dims);
    for (size_t i = 0; i < rows; ++i) {
        const double* src = owner.ringRow(first + i) + offset;
        std::copy(src, src + dims, training.begin() + static_cast<std::ptrdiff_t>(i * dims));
    }
    forest.train(training, dims);
    std::vector<double> scores(rows);
    smoothed = forest.score(std::span<const double>(training).first(dims));
    for (size_t i = 0; i < rows; ++i) {
        scores[i] = smooth(forest.score(std::span<const double>(training).subspan(i * dims, dims)));
    }
    median = quantileOf(scores, 0.5);
    threshold =
        median + owner.options_.margin * (quantileOf(scores, owner.options_.quantile) - median);
}

double ServiceForest::Layer::smooth(double raw) {
    smoothed += smoothing * (raw - smoothed);
    return smoothed;
}

double ServiceForest::Layer::calibrated(double raw) const {
    const double r = std::max(0.0, raw - median) / std::max(threshold - median, kMinSpread);
    return r / (1.0 + r);
}

size_t ServiceForest::memoryBytes() const {
    return sizeof(*this) - sizeof(features_) - 2 * sizeof(IsolationForest) +
           features_.memoryBytes() + level_.forest.memoryBytes() + change_.forest.memoryBytes() +
           (ring_.capacity() + row_.capacity()) * sizeof(double);
}

void ServiceForest::save(StateWriter& out) const {
    out.header(state_tag::kServiceForest, kVersion);
    out.u64(dims_);
    features_.save(out);
    out.u64(size_);
    for (size_t age = 0; age < size_; ++age) {
        const double* row = ringRow(age);
        for (size_t f = 0; f < dims_; ++f) {
            out.f64(row[f]);
        }
    }
    out.u64(since_training_);
    out.u64(trained() ? training_rows_ : 0);
    out.f64(level_.smoothed);
    out.f64(change_.smoothed);
}

void ServiceForest::load(StateReader& in) {
    in.expectHeader(state_tag::kServiceForest, kVersion);
    if (in.u64() != dims_) {
        throw StateCodecError("ServiceForest: checkpoint has another number of features");
    }
    features_.load(in);
    const uint64_t size = in.u64();
    if (size > capacity()) {
        throw StateCodecError("ServiceForest: checkpoint holds more rows than the ring");
    }
    size_ = static_cast<size_t>(size);
    head_ = size_ % capacity();
    for (size_t i = 0; i < size_ * dims_; ++i) {
        ring_[i] = in.f64();
    }
    const uint64_t since = in.u64();
    const uint64_t trained_on = in.u64();
    const double level_smoothed = in.f64();
    const double change_smoothed = in.f64();
    if (since > size_ || trained_on > options_.window || since + trained_on > size_) {
        throw StateCodecError("ServiceForest: inconsistent training counters in checkpoint");
    }
    for (Layer* layer : {&level_, &change_}) {
        *layer =
            Layer{IsolationForest(options_.forest), layer->offset, layer->dims, layer->smoothing};
    }
    training_rows_ = 0;
    since_training_ = static_cast<size_t>(since);
    if (trained_on > 0) {
        retrain(since_training_, static_cast<size_t>(trained_on));
    }
    level_.smoothed = level_smoothed;
    change_.smoothed = change_smoothed;
}

double foldScores(double univariate, double multivariate) {
    return multivariate >= 0.5 ? std::max(univariate, multivariate) : univariate;
}

}  // namespace infrasage::detect
