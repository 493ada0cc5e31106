// cli/WatchdogEnsembleOptions: the one mapping from configuration (WATCHDOG_* settings) to the
// ensemble's options, shared by the Watchdog and `infrasage eval nab` so that the benchmark
// scores exactly the detector that runs in production.
#pragma once

#include "config/Config.h"
#include "detect/Ensemble.h"

namespace infrasage::cli {

inline detect::EnsembleOptions watchdogEnsembleOptions(const config::Config& cfg) {
    detect::EnsembleOptions options;
    options.z_threshold = cfg.watchdog_z_threshold;
    options.filter.cooldown_seconds = static_cast<int64_t>(cfg.watchdog_cooldown_seconds);
    options.filter.min_abs_deviation = cfg.watchdog_min_deviation;
    options.filter.direction = cfg.watchdog_direction == "above"   ? detect::Direction::Above
                               : cfg.watchdog_direction == "below" ? detect::Direction::Below
                                                                   : detect::Direction::Both;
    options.warmup_seconds = static_cast<int64_t>(cfg.watchdog_warmup_seconds);
    return options;
}

}  // namespace infrasage::cli
