#include "cli/WatchdogCommand.h"

namespace infrasage::cli {

WatchdogCommand::WatchdogCommand(CLI::App& app)
    : command_(app.add_subcommand("watchdog", "Watchdog (not implemented yet)")) {}

int WatchdogCommand::run(const config::Config& /*cfg*/) {
    return 1;
}

}  // namespace infrasage::cli
