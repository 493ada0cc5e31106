// cli/ServeCommand: `infrasage serve` — builds the process (WAL, ClickHouse client, schema,
// delivery worker, ingestion, HTTP pipeline), serves until SIGINT/SIGTERM, then shuts down in
// order: stop accepting, finish in-flight requests, deliver what was acknowledged (bounded by
// INFRASAGE_SHUTDOWN_DRAIN_SECONDS; the rest stays in the WAL for the next start).
#pragma once

#include "config/Config.h"

namespace infrasage::cli {

int runServe(const config::Config& cfg);

}  // namespace infrasage::cli
