// cli/Application: entry point of the `infrasage` binary; parses the command line and runs one
// subcommand. Returns the process exit code.
#pragma once

namespace infrasage::cli {

int runApplication(int argc, char** argv);

}  // namespace infrasage::cli
