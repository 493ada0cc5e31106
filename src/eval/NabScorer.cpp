#include "eval/NabScorer.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace infrasage::eval {

namespace {

size_t indexOf(std::span<const int64_t> timestamps, int64_t micros) {
    auto it = std::find(timestamps.begin(), timestamps.end(), micros);
    if (it == timestamps.end()) {
        throw std::invalid_argument("NAB window bound is not a timestamp of the file");
    }
    return static_cast<size_t>(it - timestamps.begin());
}

// Accumulates NAB's score parts: the FP sum plus, per window, the best detection or −A_FN.
struct ScoreParts {
    double fpSum = 0.0;
    std::vector<double> windowBest;  // NaN for windows with no scored row
    double total() const {
        double sum = fpSum;
        for (double best : windowBest) {
            if (!std::isnan(best)) {
                sum += best;
            }
        }
        return sum;
    }
};

}  // namespace

double nabScaledSigmoid(double relativePosition) {
    if (relativePosition >= 3.0) {
        return -1.0;
    }
    return 2.0 / (1.0 + std::exp(5.0 * relativePosition)) - 1.0;
}

NabScorer::NabScorer(NabCostMatrix costs, double probationPercent)
    : costs_(costs), probationPercent_(probationPercent) {}

size_t NabScorer::probationaryLength(size_t rows) const {
    const double byPercent = std::floor(probationPercent_ * static_cast<double>(rows));
    return static_cast<size_t>(std::min(byPercent, probationPercent_ * 5000.0));
}

std::vector<NabSweptRow> NabScorer::sweep(const NabFileInput& file) const {
    const auto& ts = file.timestampsMicros;
    if (ts.size() != file.anomalyScores.size()) {
        throw std::invalid_argument("NAB file: timestamps and anomaly scores differ in length");
    }
    const double maxTp = nabScaledSigmoid(-1.0);
    const size_t probation = probationaryLength(ts.size());
    std::vector<NabSweptRow> rows(ts.size());
    size_t nextWindow = 0;
    int64_t current = -1;
    double currentRight = 0.0;
    double currentWidth = 0.0;
    bool havePrevious = false;
    double previousRight = 0.0;
    double previousWidth = 0.0;
    for (size_t i = 0; i < ts.size(); ++i) {
        if (current < 0 && nextWindow < file.windows.size() &&
            ts[i] == file.windows[nextWindow].startMicros) {
            current = static_cast<int64_t>(nextWindow);
            const auto& window = file.windows[nextWindow++];
            currentRight = static_cast<double>(indexOf(ts, window.endMicros));
            currentWidth =
                currentRight - static_cast<double>(indexOf(ts, window.startMicros)) + 1.0;
        }
        auto& row = rows[i];
        row.anomalyScore = file.anomalyScores[i];
        row.probationary = i < probation;
        const double at = static_cast<double>(i);
        if (current >= 0) {
            row.window = current;
            row.sweepScore = nabScaledSigmoid(-(currentRight - at + 1.0) / currentWidth) *
                             costs_.tpWeight / maxTp;
        } else {
            // A one-row window leaves no width to scale by; NAB divides by zero there, we call it
            // far.
            const double past = (!havePrevious || previousWidth <= 1.0)
                                    ? 3.0
                                    : std::abs(previousRight - at) / (previousWidth - 1.0);
            row.sweepScore = nabScaledSigmoid(past) * costs_.fpWeight;
        }
        if (current >= 0 && ts[i] == file.windows[static_cast<size_t>(current)].endMicros) {
            havePrevious = true;
            previousRight = at;
            previousWidth = currentWidth;
            current = -1;
        }
    }
    return rows;
}

NabScore NabScorer::scoreFile(const NabFileInput& file, double threshold) const {
    const auto rows = sweep(file);
    ScoreParts parts;
    parts.windowBest.assign(file.windows.size(), std::numeric_limits<double>::quiet_NaN());
    NabScore result;
    result.threshold = threshold;
    for (const auto& row : rows) {
        if (row.probationary) {
            continue;
        }
        const bool detected = row.anomalyScore >= threshold;
        if (row.window >= 0) {
            double& best = parts.windowBest[static_cast<size_t>(row.window)];
            if (std::isnan(best)) {
                best = -costs_.fnWeight;
            }
            if (detected) {
                best = std::max(best, row.sweepScore);
                ++result.tp;
            } else {
                ++result.fn;
            }
        } else if (detected) {
            parts.fpSum += row.sweepScore;
            ++result.fp;
        } else {
            ++result.tn;
        }
    }
    result.score = parts.total();
    return result;
}

NabScore NabScorer::scoreCorpus(std::span<const NabFileInput> files, double threshold) const {
    NabScore sum;
    sum.threshold = threshold;
    for (const auto& file : files) {
        const auto one = scoreFile(file, threshold);
        sum.score += one.score;
        sum.tp += one.tp;
        sum.tn += one.tn;
        sum.fp += one.fp;
        sum.fn += one.fn;
    }
    return sum;
}

NabScore NabScorer::optimiseThreshold(std::span<const NabFileInput> files) const {
    // Pool every scored row of every file (windows numbered corpus-wide), then lower the threshold
    // one distinct score at a time, as NAB's calcScoreByThreshold does.
    std::vector<NabSweptRow> pool;
    ScoreParts parts;
    for (const auto& file : files) {
        const auto offset = static_cast<int64_t>(parts.windowBest.size());
        parts.windowBest.resize(parts.windowBest.size() + file.windows.size(),
                                std::numeric_limits<double>::quiet_NaN());
        for (auto row : sweep(file)) {
            if (row.probationary) {
                continue;
            }
            if (row.window >= 0) {
                row.window += offset;
                parts.windowBest[static_cast<size_t>(row.window)] = -costs_.fnWeight;
            }
            pool.push_back(row);
        }
    }
    std::stable_sort(pool.begin(), pool.end(), [](const NabSweptRow& a, const NabSweptRow& b) {
        return a.anomalyScore > b.anomalyScore;
    });

    NabScore current;
    for (const auto& row : pool) {
        (row.window >= 0 ? current.fn : current.tn) += 1;
    }
    // NAB starts above every score (1.1 for scores in [0, 1]) so that "detect nothing" is a
    // candidate.
    current.threshold = pool.empty()
                            ? 1.1
                            : std::max(1.1, std::nextafter(pool.front().anomalyScore,
                                                           2.0 + pool.front().anomalyScore));
    current.score = parts.total();
    NabScore best = current;
    for (size_t i = 0; i < pool.size();) {
        const double threshold = pool[i].anomalyScore;
        for (; i < pool.size() && pool[i].anomalyScore == threshold; ++i) {
            const auto& row = pool[i];
            if (row.window >= 0) {
                double& windowBest = parts.windowBest[static_cast<size_t>(row.window)];
                windowBest = std::max(windowBest, row.sweepScore);
                ++current.tp;
                --current.fn;
            } else {
                parts.fpSum += row.sweepScore;
                ++current.fp;
                --current.tn;
            }
        }
        current.threshold = threshold;
        current.score = parts.total();
        if (current.score > best.score) {
            best = current;
        }
    }
    return best;
}

double NabScorer::nullScore(std::span<const NabFileInput> files) const {
    return scoreCorpus(files, std::numeric_limits<double>::infinity()).score;
}

double NabScorer::perfectScore(std::span<const NabFileInput> files) const {
    size_t windows = 0;
    for (const auto& file : files) {
        windows += file.windows.size();
    }
    return static_cast<double>(windows) * costs_.tpWeight;
}

double NabScorer::normalise(double raw, double nullRaw, double perfectRaw) {
    return 100.0 * (raw - nullRaw) / (perfectRaw - nullRaw);
}

}  // namespace infrasage::eval
