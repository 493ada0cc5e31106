#include "cli/EvalCommand.h"

namespace infrasage::cli {

EvalCommand::EvalCommand(CLI::App& app)
    : command_(app.add_subcommand("eval", "Eval (not implemented yet)")) {}

int EvalCommand::run(const config::Config& /*cfg*/) {
    return 1;
}

}  // namespace infrasage::cli
