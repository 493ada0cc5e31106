// cli/EvalCommand: `infrasage eval nab --data DIR --labels WINDOWS.json --out OUT` — streams every
// NAB CSV under DIR through the Watchdog's ensemble (configured exactly as the Watchdog is, from
// WATCHDOG_* settings; one configuration for all files), writes NAB's result files under OUT and
// prints `nab <profile>: <normalised score>` per profile, each at its optimised corpus threshold.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

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
};

}  // namespace infrasage::cli
