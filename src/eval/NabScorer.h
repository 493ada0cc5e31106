// eval/NabScorer: the NAB scoring rules, as NAB's Sweeper applies them (nab/sweeper.py): the
// probationary period (first min(floor(0.15·n), 750) rows unscored), the scaled window sigmoid
// (earliest detection per window earns up to A_TP, a missed window costs A_FN, a detection outside
// windows costs A_FP weighted by its distance after the preceding window), per-row TP/TN/FP/FN
// counts, the one corpus-wide threshold found by sweeping every distinct anomaly score, and the
// normalisation 100·(raw − null)/(perfect − null).
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "eval/NabCorpus.h"
#include "eval/NabProfiles.h"

namespace infrasage::eval {

// One file to score: its timestamps, the detector's anomaly score per row, its label windows.
struct NabFileInput {
    std::span<const int64_t> timestampsMicros;
    std::span<const double> anomalyScores;
    std::span<const NabWindow> windows;
};

// Per-row counts exclude the probationary rows, as NAB's do.
struct NabScore {
    double threshold = 0.0;
    double score = 0.0;
    size_t tp = 0;
    size_t tn = 0;
    size_t fp = 0;
    size_t fn = 0;
    size_t total() const { return tp + tn + fp + fn; }
};

// One row after the sweep: its score if detected, and which window (index into the file's windows)
// holds it, if any.
struct NabSweptRow {
    double anomalyScore = 0.0;
    double sweepScore = 0.0;
    int64_t window = -1;        // -1 outside every window
    bool probationary = false;  // never scored
};

class NabScorer {
  public:
    static constexpr double kProbationPercent = 0.15;

    explicit NabScorer(NabCostMatrix costs, double probationPercent = kProbationPercent);

    // min(floor(percent · rows), percent · 5000): 750 rows for the standard 15 %.
    size_t probationaryLength(size_t rows) const;

    // NAB's calcSweepScore: the weighted score each row would earn if detected. Throws
    // std::invalid_argument when a window bound is not one of the file's timestamps or the spans
    // differ in length.
    std::vector<NabSweptRow> sweep(const NabFileInput& file) const;

    // Score of one file with detections at anomaly_score >= threshold.
    NabScore scoreFile(const NabFileInput& file, double threshold) const;

    // Raw corpus score (sum over files) at one threshold.
    NabScore scoreCorpus(std::span<const NabFileInput> files, double threshold) const;

    // The threshold maximising the raw corpus score, found as NAB's optimiser does: every distinct
    // anomaly score is a candidate (plus "detect nothing"); ties go to the highest threshold.
    NabScore optimiseThreshold(std::span<const NabFileInput> files) const;

    // Raw score of the detector that never fires: −A_FN per window with a scored row.
    double nullScore(std::span<const NabFileInput> files) const;
    // Raw score of the detector that fires exactly at each window's start: A_TP per window (NAB
    // counts every labelled window).
    double perfectScore(std::span<const NabFileInput> files) const;
    static double normalise(double raw, double nullRaw, double perfectRaw);

    const NabCostMatrix& costs() const { return costs_; }

  private:
    NabCostMatrix costs_;
    double probationPercent_;
};

// 2·sigmoid(−5x) − 1, and −1 from x ≥ 3 on (NAB's scaledSigmoid).
double nabScaledSigmoid(double relativePosition);

}  // namespace infrasage::eval
