// NAB scoring rules on hand-made files, and the null and perfect detectors on the development
// subset.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

#include "eval/NabCorpus.h"
#include "eval/NabProfiles.h"
#include "eval/NabScorer.h"
#include "support/TestEnv.h"

namespace infrasage::eval {
namespace {

std::filesystem::path nabDir() {
    return infrasage::testing::sourceDir().parent_path() / "shared/datasets/nab";
}

constexpr int64_t kStep = 300'000'000;  // five minutes, in microseconds

std::vector<int64_t> evenTimestamps(size_t rows) {
    std::vector<int64_t> ts(rows);
    for (size_t i = 0; i < rows; ++i) {
        ts[i] = static_cast<int64_t>(i) * kStep;
    }
    return ts;
}

NabWindow windowOf(size_t first, size_t last) {
    return {static_cast<int64_t>(first) * kStep, static_cast<int64_t>(last) * kStep};
}

TEST(NabScaledSigmoidTest, MatchesNabsAnchorPoints) {
    EXPECT_NEAR(nabScaledSigmoid(-1.0), 0.98661429815, 1e-10);
    EXPECT_NEAR(nabScaledSigmoid(-0.5), 0.84828363995, 1e-10);
    EXPECT_DOUBLE_EQ(nabScaledSigmoid(0.0), 0.0);
    EXPECT_NEAR(nabScaledSigmoid(1.0), -0.98661429815, 1e-10);
    EXPECT_EQ(nabScaledSigmoid(3.0), -1.0);
}

TEST(NabScorerTest, ProbationIsFifteenPercentCappedAt750Rows) {
    NabScorer scorer(NabProfiles::defaults().costs("standard"));
    EXPECT_EQ(scorer.probationaryLength(4032), 604u);
    EXPECT_EQ(scorer.probationaryLength(1243), 186u);
    EXPECT_EQ(scorer.probationaryLength(5000), 750u);
    EXPECT_EQ(scorer.probationaryLength(22695), 750u);
}

TEST(NabScorerTest, EarliestDetectionPerWindowCountsAndFalsePositivesAreWeightedByDistance) {
    // 100 rows: probation is rows 0..14; one window over rows 50..59 (width 10).
    const auto ts = evenTimestamps(100);
    const std::vector<NabWindow> windows{windowOf(50, 59)};
    std::vector<double> scores(100, 0.0);
    scores[5] = 1.0;   // in probation: ignored
    scores[20] = 1.0;  // FP with no preceding window: −A_FP
    scores[50] = 1.0;  // window start: A_TP
    scores[55] = 1.0;  // a later detection in the same window earns nothing more
    scores[62] = 1.0;  // FP 3 rows after the window end: relative distance 3/9
    const auto costs = NabProfiles::defaults().costs("standard");
    NabScorer scorer(costs);
    const auto got = scorer.scoreFile({ts, scores, windows}, 0.5);
    const double fpNear = nabScaledSigmoid(3.0 / 9.0) * costs.fpWeight;
    EXPECT_NEAR(got.score, -costs.fpWeight + 1.0 + fpNear, 1e-12);
    EXPECT_EQ(got.tp, 2u);
    EXPECT_EQ(got.fn, 8u);
    EXPECT_EQ(got.fp, 2u);
    EXPECT_EQ(got.tn, 85u - 10u - 2u);
    EXPECT_EQ(got.total(), 85u);

    // Nothing at or above the threshold: the window is missed.
    const auto none = scorer.scoreFile({ts, scores, windows}, 1.5);
    EXPECT_DOUBLE_EQ(none.score, -costs.fnWeight);
    EXPECT_EQ(none.fn, 10u);
}

TEST(NabScorerTest, LateDetectionEarnsLessAndTheFnWeightFollowsTheProfile) {
    const auto ts = evenTimestamps(100);
    const std::vector<NabWindow> windows{windowOf(50, 59)};
    std::vector<double> scores(100, 0.0);
    scores[57] = 0.8;
    NabScorer standard(NabProfiles::defaults().costs("standard"));
    const double late = nabScaledSigmoid(-(59.0 - 57.0 + 1.0) / 10.0) / nabScaledSigmoid(-1.0);
    EXPECT_NEAR(standard.scoreFile({ts, scores, windows}, 0.8).score, late, 1e-12);
    NabScorer lowFn(NabProfiles::defaults().costs("reward_low_FN_rate"));
    EXPECT_DOUBLE_EQ(lowFn.scoreFile({ts, scores, windows}, 0.9).score, -2.0);
}

TEST(NabScorerTest, RejectsWindowsWhoseBoundsAreNotTimestampsAndMismatchedLengths) {
    const auto ts = evenTimestamps(100);
    const std::vector<double> scores(100, 0.0);
    const std::vector<NabWindow> offGrid{{50 * kStep, 59 * kStep + 1}};
    NabScorer scorer(NabProfiles::defaults().costs("standard"));
    EXPECT_THROW(scorer.scoreFile({ts, scores, offGrid}, 0.5), std::invalid_argument);
    const std::vector<double> shorter(99, 0.0);
    EXPECT_THROW(scorer.scoreFile({ts, shorter, {}}, 0.5), std::invalid_argument);
}

TEST(NabScorerTest, OptimiserPicksTheBestSingleThresholdAcrossFiles) {
    const auto ts = evenTimestamps(100);
    const std::vector<NabWindow> windows{windowOf(50, 59)};
    std::vector<double> a(100, 0.1);
    a[50] = 0.7;  // hit at 0.7
    a[30] = 0.9;  // FP above it
    std::vector<double> b(100, 0.1);
    b[40] = 0.6;  // FP below it
    const std::vector<NabFileInput> files{{ts, a, windows}, {ts, b, {}}};
    NabScorer scorer(NabProfiles::defaults().costs("standard"));
    const auto best = scorer.optimiseThreshold(files);
    EXPECT_DOUBLE_EQ(best.threshold, 0.7);
    EXPECT_NEAR(best.score, 1.0 - 0.11, 1e-12);
    EXPECT_NEAR(scorer.scoreCorpus(files, best.threshold).score, best.score, 1e-12);
    EXPECT_EQ(best.tp, 1u);
    EXPECT_EQ(best.fp, 1u);
}

TEST(NabCorpusTest, ParsesNabTimestampsWithAndWithoutFraction) {
    EXPECT_EQ(parseNabTimestamp("1970-01-01 00:00:00"), 0);
    EXPECT_EQ(parseNabTimestamp("2014-04-10 07:15:00.000000"), 1397114100LL * 1000000);
    EXPECT_EQ(parseNabTimestamp("2014-04-10 07:15:00"),
              parseNabTimestamp("2014-04-10 07:15:00.000000"));
    EXPECT_EQ(parseNabTimestamp("2014-04-10 07:15:00.5"), 1397114100LL * 1000000 + 500000);
    EXPECT_THROW(parseNabTimestamp("2014-04-10"), std::invalid_argument);
    EXPECT_THROW(parseNabTimestamp("2014-02-30 00:00:00"), std::invalid_argument);
    EXPECT_THROW(parseNabTimestamp("2014-04-10 07:xx:00"), std::invalid_argument);
}

TEST(NabCorpusTest, LoadsTheDevelopmentLabelsAndProfiles) {
    const auto corpus = NabCorpus::loadWindows(nabDir() / "labels" / "combined_windows.json");
    EXPECT_EQ(corpus.fileKeys().size(), 34u);
    const auto& windows = corpus.windowsFor("artificialWithAnomaly/art_daily_flatmiddle.csv");
    ASSERT_EQ(windows.size(), 1u);
    EXPECT_EQ(windows[0].startMicros, parseNabTimestamp("2014-04-10 07:15:00"));
    EXPECT_THROW(corpus.windowsFor("nope/missing.csv"), std::out_of_range);

    const auto profiles = NabProfiles::load(nabDir() / "profiles.json");
    const auto defaults = NabProfiles::defaults();
    for (const auto& expected : defaults.all()) {
        const auto& got = profiles.costs(expected.name);
        EXPECT_DOUBLE_EQ(got.tpWeight, expected.costs.tpWeight) << expected.name;
        EXPECT_DOUBLE_EQ(got.fpWeight, expected.costs.fpWeight) << expected.name;
        EXPECT_DOUBLE_EQ(got.fnWeight, expected.costs.fnWeight) << expected.name;
    }
    EXPECT_THROW(profiles.costs("lenient"), std::out_of_range);
}

// Null and perfect detectors over the real subset data, under every profile.
TEST(NabCorpusTest, NullDetectorNormalisesToZeroAndPerfectDetectorTo100) {
    const auto corpus = NabCorpus::loadWindows(nabDir() / "labels" / "combined_windows.json");
    std::vector<NabSeries> series;
    std::vector<std::vector<double>> perfect;
    std::vector<std::vector<double>> null;
    const auto keys = corpus.fileKeys();
    for (const auto& key : keys) {
        series.push_back(NabCorpus::readSeries(nabDir() / "data" / key));
        ASSERT_TRUE(series.back().anomalyScores.empty()) << key;
        std::vector<double> hits(series.back().timestampsMicros.size(), 0.0);
        for (const auto& window : corpus.windowsFor(key)) {
            const auto& ts = series.back().timestampsMicros;
            const auto at = std::find(ts.begin(), ts.end(), window.startMicros);
            ASSERT_NE(at, ts.end()) << key;
            hits[static_cast<size_t>(at - ts.begin())] = 1.0;
        }
        perfect.push_back(std::move(hits));
        null.emplace_back(series.back().timestampsMicros.size(), 0.5);
    }
    const auto defaults = NabProfiles::defaults();
    for (const auto& profile : defaults.all()) {
        SCOPED_TRACE(profile.name);
        NabScorer scorer(profile.costs);
        std::vector<NabFileInput> perfectRun;
        std::vector<NabFileInput> nullRun;
        for (size_t i = 0; i < keys.size(); ++i) {
            perfectRun.push_back(
                {series[i].timestampsMicros, perfect[i], corpus.windowsFor(keys[i])});
            nullRun.push_back({series[i].timestampsMicros, null[i], corpus.windowsFor(keys[i])});
        }
        const double nullRaw = scorer.nullScore(nullRun);
        const double perfectRaw = scorer.perfectScore(perfectRun);
        EXPECT_DOUBLE_EQ(nullRaw,
                         -profile.costs.fnWeight * static_cast<double>(corpus.windowCount()));
        EXPECT_DOUBLE_EQ(perfectRaw,
                         profile.costs.tpWeight * static_cast<double>(corpus.windowCount()));

        const auto bestPerfect = scorer.optimiseThreshold(perfectRun);
        EXPECT_DOUBLE_EQ(bestPerfect.threshold, 1.0);
        EXPECT_EQ(bestPerfect.fp, 0u);
        EXPECT_NEAR(NabScorer::normalise(bestPerfect.score, nullRaw, perfectRaw), 100.0, 1e-9);

        // Firing everywhere is worse than silence, so the optimiser keeps the null detector silent.
        const auto bestNull = scorer.optimiseThreshold(nullRun);
        EXPECT_GT(bestNull.threshold, 0.5);
        EXPECT_EQ(bestNull.tp + bestNull.fp, 0u);
        EXPECT_NEAR(NabScorer::normalise(bestNull.score, nullRaw, perfectRaw), 0.0, 1e-9);
    }
}

}  // namespace
}  // namespace infrasage::eval
