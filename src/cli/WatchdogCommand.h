// cli/WatchdogCommand: `infrasage watchdog …`.
#pragma once

#include <CLI/CLI.hpp>

#include "config/Config.h"

namespace infrasage::cli {

class WatchdogCommand {
  public:
    explicit WatchdogCommand(CLI::App& app);
    bool parsed() const { return command_->parsed(); }
    int run(const config::Config& cfg);

  private:
    CLI::App* command_ = nullptr;
};

}  // namespace infrasage::cli
