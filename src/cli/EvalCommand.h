// cli/EvalCommand: `infrasage eval …`.
#pragma once

#include <CLI/CLI.hpp>

#include "config/Config.h"

namespace infrasage::cli {

class EvalCommand {
  public:
    explicit EvalCommand(CLI::App& app);
    bool parsed() const { return command_->parsed(); }
    int run(const config::Config& cfg);

  private:
    CLI::App* command_ = nullptr;
};

}  // namespace infrasage::cli
