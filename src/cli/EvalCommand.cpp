#include "cli/EvalCommand.h"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "cli/WatchdogEnsembleOptions.h"
#include "detect/Ensemble.h"
#include "eval/NabEvaluation.h"

namespace infrasage::cli {

EvalCommand::EvalCommand(CLI::App& app)
    : command_(app.add_subcommand("eval", "Evaluate the Watchdog's detection on benchmarks")) {
    command_->require_subcommand(1);
    nab_ = command_->add_subcommand("nab", "Score the ensemble on the Numenta Anomaly Benchmark");
    nab_->add_option("--data", data_, "NAB data directory (<category>/<file>.csv)")
        ->required()
        ->check(CLI::ExistingDirectory);
    nab_->add_option("--labels", labels_, "NAB combined_windows.json")
        ->required()
        ->check(CLI::ExistingFile);
    nab_->add_option("--out", out_, "Directory for the result files")->required();
    nab_->add_option("--profiles", profiles_, "NAB profiles.json (default: published profiles)")
        ->check(CLI::ExistingFile);
    nab_->add_option("--reference", references_,
                     "A published detector's results directory to score alongside (repeatable)")
        ->check(CLI::ExistingDirectory);
}

namespace {

void printScores(const std::string& prefix, const std::vector<eval::NabProfileResult>& lines) {
    for (const auto& line : lines) {
        // stdout carries exactly `<prefix> <profile>: <score>`; the details go to stderr.
        std::cout << fmt::format("{} {}: {:.2f}\n", prefix, line.profile, line.normalised);
        std::cerr << fmt::format("{} {}: threshold {:.4f}, raw {:.3f}, tp {}, fp {}, fn {}\n",
                                 prefix, line.profile, line.best.threshold, line.best.score,
                                 line.best.tp, line.best.fp, line.best.fn);
    }
}

}  // namespace

int EvalCommand::run(const config::Config& cfg) {
    try {
        eval::NabEvaluation evaluation(
            eval::NabCorpus::loadWindows(labels_),
            profiles_.empty() ? eval::NabProfiles::defaults() : eval::NabProfiles::load(profiles_));
        const detect::EnsembleOptions options = watchdogEnsembleOptions(cfg);
        const auto results = evaluation.run(
            data_, [&options] { return std::make_unique<detect::Ensemble>(options); });
        evaluation.write(out_, results);
        printScores("nab", evaluation.score(results));
        for (const auto& dir : references_) {
            const std::string detector = std::filesystem::path(dir).filename().string();
            printScores("reference " + detector,
                        evaluation.score(evaluation.load(data_, dir, detector)));
        }
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "infrasage eval nab: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace infrasage::cli
