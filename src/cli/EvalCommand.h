// cli/EvalCommand: `infrasage eval nab --data DIR --labels WINDOWS.json --out OUT` — streams every
// NAB CSV under DIR through the Watchdog's ensemble (configured exactly as the Watchdog is, from
// WATCHDOG_* settings; one configuration for all files), writes NAB's result files under OUT and
// prints `nab <profile>: <normalised score>` per profile, each at its optimised corpus threshold.
// `--reference DIR` (repeatable) scores a published detector's results (NAB's results/<detector>
// tree, e.g. the dataset's reference/numenta) with the same scorer in the same run, printed as
// `reference <detector> <profile>: <score>`, so the comparison is like for like.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "config/Config.h"

namespace infrasage::cli {

class EvalCommand {
  public:
    explicit EvalCommand(CLI::App& app);
    bool parsed() const { return command_->parsed(); }
    int run(const config::Config& cfg);

  private:
    CLI::App* command_ = nullptr;
    CLI::App* nab_ = nullptr;
    std::string data_, labels_, out_, profiles_;
    std::vector<std::string> references_;
};

}  // namespace infrasage::cli
