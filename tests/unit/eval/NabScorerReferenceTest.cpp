// The NAB scorer against NAB's published per-file results for three reference detectors on the
// development subset (../shared/datasets/nab/reference), and the corpus normalisation.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
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

struct ReferenceRow {
    std::string file;  // "<category>/<name>.csv"
    double score = 0.0;
    size_t tp = 0, tn = 0, fp = 0, fn = 0, total = 0;
};

std::vector<ReferenceRow> readReferenceScores(const std::string& detector) {
    std::ifstream in(nabDir() / "reference" / detector / (detector + "_standard_scores.csv"));
    std::string line;
    std::getline(in, line);  // Detector,Profile,File,Threshold,Score,TP,TN,FP,FN,Total_Count
    std::vector<ReferenceRow> rows;
    while (std::getline(in, line)) {
        std::vector<std::string> f;
        std::stringstream fields(line);
        for (std::string field; std::getline(fields, field, ',');) {
            f.push_back(field);
        }
        if (f.size() < 10) {
            continue;
        }
        rows.push_back({f[2], std::stod(f[4]), std::stoul(f[5]), std::stoul(f[6]), std::stoul(f[7]),
                        std::stoul(f[8]), std::stoul(f[9])});
    }
    return rows;
}

double referenceThreshold(const std::string& detector) {
    std::ifstream in(nabDir() / "reference" / "thresholds.json");
    return nlohmann::json::parse(in).at(detector).at("standard").at("threshold").get<double>();
}

// A reference detector's output for every file of its score table, ready to score.
struct DetectorRun {
    std::vector<ReferenceRow> expected;
    std::vector<NabSeries> series;
    std::vector<NabFileInput> inputs;
};

DetectorRun loadRun(const std::string& detector, const NabCorpus& corpus) {
    DetectorRun run;
    run.expected = readReferenceScores(detector);
    run.series.reserve(run.expected.size());
    for (const auto& row : run.expected) {
        const auto slash = row.file.find('/');
        const auto path = nabDir() / "reference" / detector / row.file.substr(0, slash) /
                          (detector + "_" + row.file.substr(slash + 1));
        run.series.push_back(NabCorpus::readSeries(path));
    }
    for (size_t i = 0; i < run.expected.size(); ++i) {
        run.inputs.push_back({run.series[i].timestampsMicros, run.series[i].anomalyScores,
                              corpus.windowsFor(run.expected[i].file)});
    }
    return run;
}

class NabReferenceTest : public ::testing::TestWithParam<std::string> {
  protected:
    NabCorpus corpus_ = NabCorpus::loadWindows(nabDir() / "labels" / "combined_windows.json");
    NabScorer scorer_{NabProfiles::load(nabDir() / "profiles.json").costs("standard")};
};

TEST_P(NabReferenceTest, ReproducesEveryPerFileStandardScore) {
    const auto detector = GetParam();
    const auto run = loadRun(detector, corpus_);
    ASSERT_EQ(run.expected.size(), 34u);
    const double threshold = referenceThreshold(detector);
    for (size_t i = 0; i < run.expected.size(); ++i) {
        const auto& want = run.expected[i];
        SCOPED_TRACE(want.file);
        ASSERT_EQ(run.series[i].anomalyScores.size(), want.total);
        const auto got = scorer_.scoreFile(run.inputs[i], threshold);
        EXPECT_NEAR(got.score, want.score, 1e-6);
        EXPECT_EQ(got.tp, want.tp);
        EXPECT_EQ(got.tn, want.tn);
        EXPECT_EQ(got.fp, want.fp);
        EXPECT_EQ(got.fn, want.fn);
    }
}

TEST_P(NabReferenceTest, CorpusScoreIsTheSumOfFilesAndNormalisesAgainstNullAndPerfect) {
    const auto detector = GetParam();
    const auto run = loadRun(detector, corpus_);
    double expectedRaw = 0.0;
    for (const auto& row : run.expected) {
        expectedRaw += row.score;
    }
    const auto raw = scorer_.scoreCorpus(run.inputs, referenceThreshold(detector));
    EXPECT_NEAR(raw.score, expectedRaw, 1e-5);

    // Every labelled window of the subset lies after its file's probationary period, so the null
    // detector loses A_FN per window and the perfect one earns A_TP per window.
    const double windows = static_cast<double>(corpus_.windowCount());
    EXPECT_DOUBLE_EQ(scorer_.nullScore(run.inputs), -windows);
    EXPECT_DOUBLE_EQ(scorer_.perfectScore(run.inputs), windows);
    const double normalised = NabScorer::normalise(raw.score, -windows, windows);
    EXPECT_NEAR(normalised, 100.0 * (expectedRaw + windows) / (2.0 * windows), 1e-5);

    // The optimised threshold can only do at least as well as the published one on this subset.
    const auto best = scorer_.optimiseThreshold(run.inputs);
    EXPECT_GE(best.score, raw.score - 1e-9);
    EXPECT_NEAR(scorer_.scoreCorpus(run.inputs, best.threshold).score, best.score, 1e-9);
}

INSTANTIATE_TEST_SUITE_P(ReferenceDetectors, NabReferenceTest,
                         ::testing::Values("numenta", "windowedGaussian", "null"));

}  // namespace
}  // namespace infrasage::eval
