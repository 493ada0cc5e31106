// detect/ServiceForest: the multivariate layer for one service. Owns the service's feature
// builder (MultivariateFeatures), a ring of its most recent feature rows, two isolation forests
// trained on them, and the calibration that turns each forest's raw score into an anomaly_score
// comparable to the univariate layers'.
//
// Two forests, not one: the `level` forest sees the values and the time of day, the `change`
// forest the first and second differences. In one forest over all 3k + 2 features most random
// cuts fall on the differences, which are mostly noise, and a CPU level that is normal in the
// afternoon but not at 03:00 with night-time traffic stays hidden (measured while building
// ServiceForestTest: a single forest put at most a few of the broken rows over its threshold).
// The level forest's raw score is smoothed by an EWMA (`level_smoothing`, 0.3) before it is
// calibrated: a broken relationship lasts, noise does not, and the smoothing roughly doubled the
// gap between the shifted rows and the normal ones. The change forest is not smoothed (a change
// lives one or two rows). The service's score is the larger of the two calibrated scores, and
// `detector` names the forest it came from.
//
// Each row is scored with the current forests BEFORE it enters the ring, so a row never judges
// itself. The forests are first trained once `min_rows` rows are known (default one day at
// 1-minute steps: the time-of-day features need a whole day before their values mean anything),
// then retrained on the last `window` rows every `retrain_every` rows (default 6 h), so a new
// normal (a deploy, a traffic change) becomes normal within two days. The window is a whole
// number of days (two), so every hour of the day is equally represented in the training rows;
// with 34 h, the hours seen once scored higher and raised false alarms.
//
// Calibration, per forest: after each training the training rows are scored in time order
// (smoothed as above); m is the median of those scores and q their `quantile` (0.99). The
// threshold is T = m + margin * (q - m) (margin 2) and a raw score s maps to
//   r = max(0, s - m) / (T - m),  anomaly_score = r / (1 + r),
// the same shape as ZScoreBand's |z| / (|z| + threshold): 0 for typical rows, 0.5 exactly at T,
// towards 1 beyond. Why not a high quantile as the threshold: the 99.8th percentile rests on
// six rows (fewer clusters, once smoothed) and moved enough between trainings to give 0.2 % to
// 1.6 % false alarms on unseen normal rows; the 99th percentile is stable, and doubling its
// distance to the median left no false alarm on the test's normal days while the joint shift sat
// at 8 to 17 MADs above the median. Raw scores are not comparable across services (they depend
// on the dimension and the shape of the data); these calibrated ones are.
//
// Catches and misses: those of IsolationForest.h. Level forest: a combination of values unusual
// for each other or for the hour while each metric alone looks normal (a relationship that
// broke). Change forest: metrics that usually move together moving apart (requests jump, CPU
// stays), or a jump unusual in size. A shift that lasts longer than a retraining period starts
// entering the training rows and fades out over the following `window` rows.
//
// Checkpoint: the features' state, the ring and the counters — not the forests. load() retrains
// from the rows the last training used (the ring holds window + retrain_every rows, so they are
// all still there) with the same seed, which grows identical forests and calibration: the scores
// after a restart are the ones the uninterrupted model would have given. The price is one
// training per service at load.
//
// Cost: update O(t log psi) per row for each forest (plus O(k) for the features) and, every
// `retrain_every` rows, two trainings O(t psi log psi) plus scoring the window O(window t log psi)
// for the calibration. Memory: (window + retrain_every) * (3k + 2) doubles for the ring plus two
// forests; numbers in bench/micro_iforest.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "detect/IsolationForest.h"
#include "detect/MultivariateFeatures.h"
#include "detect/StateCodec.h"

namespace infrasage::detect {

struct MultivariateOutput {
    double anomaly_score = 0.0;    // max(level_score, change_score); 0.5 at the threshold.
    double level_score = 0.0;      // Calibrated score of the level forest, in [0, 1].
    double change_score = 0.0;     // Calibrated score of the change forest, in [0, 1].
    double isolation_score = 0.0;  // Raw (level: smoothed) score in (0, 1) behind anomaly_score.
    bool scored = false;           // The forests existed and the row had features.
    bool is_anomaly = false;       // anomaly_score >= 0.5.
    std::string_view detector;     // "iforest_level" or "iforest_change"; empty when not scored.
};

class ServiceForest {
  public:
    struct Options {
        size_t window = 2880;  // Rows the forests are trained on (two days at 1-minute steps).
        size_t retrain_every = 360;       // Rows between trainings (6 h at 1-minute steps).
        size_t min_rows = 1440;           // Rows before the first training (one day).
        double quantile = 0.99;           // Training-score quantile q of the calibration.
        double margin = 2.0;              // Threshold = median + margin * (q - median).
        double level_smoothing = 0.3;     // EWMA weight of the newest level-forest score.
        IsolationForest::Options forest;  // For each of the two forests.
    };

    explicit ServiceForest(size_t metrics);
    ServiceForest(size_t metrics, const Options& options);

    // One row of the service's metrics (values.size() == metrics(), NaN where missing) at
    // `timestamp` (unix seconds). Scores it with the current forests, then learns from it.
    // Allocates nothing except when it retrains.
    MultivariateOutput update(int64_t timestamp, std::span<const double> values);

    size_t metrics() const { return features_.metrics(); }
    bool trained() const { return level_.forest.trained(); }
    // The raw isolation scores that map to anomaly_score 0.5 (the calibrated thresholds).
    double levelThreshold() const { return level_.threshold; }
    double changeThreshold() const { return change_.threshold; }
    size_t memoryBytes() const;

    // Options come from configuration and are not saved; load() into a model built with the same
    // metrics and options. Throws StateCodecError on damaged or foreign state.
    void save(StateWriter& out) const;
    void load(StateReader& in);

  private:
    // One forest over the feature columns [offset, offset + dims), with its calibration.
    struct Layer {
        IsolationForest forest;
        size_t offset = 0;
        size_t dims = 0;
        double smoothing = 1.0;  // EWMA weight of the newest raw score; 1 = no smoothing.
        double median = 0.0;
        double threshold = 1.0;
        double smoothed = 0.0;  // The EWMA of raw scores so far.

        void train(const ServiceForest& owner, size_t first, size_t rows);
        double smooth(double raw);
        double calibrated(double raw) const;
    };

    void learn(std::span<const double> row);
    void retrain(size_t skip_newest, size_t rows);
    const double* ringRow(size_t age) const;  // age 0 = the oldest row in the ring.
    size_t capacity() const { return ring_.size() / dims_; }

    Options options_;
    MultivariateFeatures features_;
    size_t dims_;
    Layer level_;
    Layer change_;
    std::vector<double> ring_;  // capacity() rows of dims_ features.
    std::vector<double> row_;   // The row being built; kept to avoid allocating per update.
    size_t head_ = 0;           // Slot the next row goes to.
    size_t size_ = 0;           // Rows held.
    size_t since_training_ = 0;
    size_t training_rows_ = 0;  // Rows the current forests were trained on.
};

// How the Watchdog folds the multivariate score into a series' univariate anomaly_score: the
// larger of the two, with the multivariate score counted only once it crosses its calibrated
// threshold (>= 0.5). Below threshold it changes nothing, so the univariate scores (and the
// NAB-tuned threshold on them) are untouched by a forest that sees nothing; above it a joint
// anomaly raises every metric of the service to at least the forest's score. Monotone in both
// arguments, never lowers the univariate score, stays in [0, 1].
double foldScores(double univariate, double multivariate);

}  // namespace infrasage::detect
