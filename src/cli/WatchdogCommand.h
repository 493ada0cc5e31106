// cli/WatchdogCommand: `infrasage watchdog [--shard i/n] [--once] [--now UNIX_SECONDS]` — the
// engine role: runs the Watchdog of one shard every WATCHDOG_INTERVAL_SECONDS until SIGTERM, or one
// cycle with --once (printing a one-line JSON summary). Also maps the configuration onto the
// Watchdog's options for `serve`, which runs shard 0/1 when WATCHDOG_ENABLED.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "config/Config.h"
#include "watchdog/WatchdogOptions.h"

namespace infrasage::cli {

// The Watchdog options of `shard` under this configuration (checkpoint in <data_dir>/watchdog/).
watchdog::WatchdogOptions watchdogOptions(const config::Config& cfg,
                                          const watchdog::ShardSpec& shard);

class WatchdogCommand {
  public:
    explicit WatchdogCommand(CLI::App& app);
    bool parsed() const { return command_->parsed(); }
    int run(const config::Config& cfg);

  private:
    CLI::App* command_ = nullptr;
    std::string shard_ = "0/1";
    bool once_ = false;
    int64_t now_ = -1;
};

}  // namespace infrasage::cli
