// cli/MigrateCommand: `infrasage migrate` — applies pending schema migrations and reports them.
#pragma once

#include "config/Config.h"

namespace infrasage::cli {

int runMigrate(const config::Config& cfg);

}  // namespace infrasage::cli
