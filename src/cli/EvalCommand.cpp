#include "cli/EvalCommand.h"

#include <fmt/format.h>

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
}

int EvalCommand::run(const config::Config& cfg) {
    try {
        eval::NabEvaluation evaluation(
            eval::NabCorpus::loadWindows(labels_),
            profiles_.empty() ? eval::NabProfiles::defaults() : eval::NabProfiles::load(profiles_));
        const detect::EnsembleOptions options = watchdogEnsembleOptions(cfg);
        const auto results = evaluation.run(
            data_, [&options] { return std::make_unique<detect::Ensemble>(options); });
        evaluation.write(out_, results);
        for (const auto& line : evaluation.score(results)) {
            std::cout << fmt::format("nab {}: {:.2f}  (threshold {:.4f}, tp {}, fp {}, fn {})\n",
                                     line.profile, line.normalised, line.best.threshold,
                                     line.best.tp, line.best.fp, line.best.fn);
        }
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "infrasage eval nab: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace infrasage::cli
