// The Watchdog's ensemble on the NAB development subset, end to end through NabEvaluation: the
// standard profile must stay at or above the target of 70 (a regression guard for every
// change to the detectors), every file is streamed, and the result files have NAB's layout.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "detect/Ensemble.h"
#include "eval/NabEvaluation.h"
#include "support/TestEnv.h"

namespace infrasage::eval {
namespace {

std::filesystem::path nabDir() {
    return infrasage::testing::sourceDir().parent_path() / "shared/datasets/nab";
}

class NabEvaluationTest : public ::testing::Test {
  protected:
    NabEvaluation evaluation_{NabCorpus::loadWindows(nabDir() / "labels/combined_windows.json"),
                              NabProfiles::load(nabDir() / "profiles.json")};
    std::vector<NabFileResult> results_ =
        evaluation_.run(nabDir() / "data", [] { return std::make_unique<detect::Ensemble>(); });
};

TEST_F(NabEvaluationTest, TheEnsembleReachesTheStandardTarget) {
    ASSERT_EQ(results_.size(), 34u);
    const auto scores = evaluation_.score(results_);
    ASSERT_EQ(scores.size(), 3u);
    std::map<std::string, double> by_profile;
    for (const auto& line : scores) {
        RecordProperty("nab_" + line.profile, std::to_string(line.normalised));
        by_profile[line.profile] = line.normalised;
    }
    EXPECT_GE(by_profile.at("standard"), 70.0);
    // The other profiles are reported, not targeted; they must still be far above the null
    // detector (and above windowedGaussian's 35 on this subset).
    EXPECT_GE(by_profile.at("reward_low_FP_rate"), 60.0);
    EXPECT_GE(by_profile.at("reward_low_FN_rate"), 60.0);
}

TEST_F(NabEvaluationTest, ScoresAPublishedDetectorsResultsLikeForLike) {
    const auto numenta =
        evaluation_.load(nabDir() / "data", nabDir() / "reference/numenta", "numenta");
    ASSERT_EQ(numenta.size(), 34u);
    for (const auto& line : evaluation_.score(numenta)) {
        if (line.profile == "standard") {
            EXPECT_NEAR(line.normalised, 73.56, 0.01);  // HTM on this subset, optimised here
        }
    }
    EXPECT_THROW(evaluation_.load(nabDir() / "data", nabDir() / "reference/numenta", "other"),
                 std::runtime_error);
}

TEST_F(NabEvaluationTest, WritesNabResultFiles) {
    const auto out = std::filesystem::temp_directory_path() / "infrasage_nab_eval_test";
    std::filesystem::remove_all(out);
    evaluation_.write(out, results_);
    std::ifstream in(out / "realAWSCloudwatch/infrasage_ec2_cpu_utilization_24ae8d.csv");
    ASSERT_TRUE(in) << "result file missing";
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, "timestamp,value,anomaly_score,label");
    std::getline(in, line);
    EXPECT_EQ(line.rfind("2014-02-14 14:30:00,0.132,", 0), 0u) << line;
    size_t rows = 1;
    size_t labelled = 0;
    while (std::getline(in, line)) {
        ++rows;
        labelled += line.back() == '1' ? 1u : 0u;
    }
    EXPECT_EQ(rows, 4032u);
    EXPECT_EQ(labelled, 2u * 201u);  // two windows of 201 rows
    std::filesystem::remove_all(out);
}

TEST_F(NabEvaluationTest, RefusesAFileTheLabelsDoNotKnow) {
    const auto dir = std::filesystem::temp_directory_path() / "infrasage_nab_unknown";
    std::filesystem::create_directories(dir / "other");
    std::ofstream(dir / "other/x.csv") << "timestamp,value\n2014-01-01 00:00:00,1\n";
    EXPECT_THROW(evaluation_.run(dir, [] { return std::make_unique<detect::Ensemble>(); }),
                 std::runtime_error);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace infrasage::eval
