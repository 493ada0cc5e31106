// watchdog/WatchdogOptions: everything one Watchdog (one shard) is configured with. The three
// WATCHDOG_* settings feed step_seconds and the ensemble; the rest are documented defaults.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "detect/Ensemble.h"
#include "detect/ServiceForest.h"
#include "watchdog/ShardSpec.h"

namespace infrasage::watchdog {

struct WatchdogOptions {
    ShardSpec shard;
    // Bucket width and cycle period (WATCHDOG_INTERVAL_SECONDS).
    int64_t step_seconds = 60;
    // z threshold and cooldown (WATCHDOG_Z_SCORE_THRESHOLD, WATCHDOG_COOLDOWN_SECONDS).
    detect::EnsembleOptions ensemble;
    // Where the detector states live between runs; empty: no checkpoint (tests, benchmarks).
    std::filesystem::path checkpoint_path;
    // History read by a first cycle (no checkpoint) so the detectors are warm; also the longest
    // gap a cycle catches up on after downtime (older points are skipped and the gap is logged).
    int64_t lookback_seconds = int64_t{24} * 3600;
    // A bucket is read once it ended this long ago, so points still in flight (client batching,
    // the write-ahead log's flush) are in ClickHouse when it is read: a bucket is judged once.
    int64_t settle_seconds = 30;
    // Catch-up reads are split into queries of at most this many buckets, so the result of one
    // query stays a few hundred MB even over 100,000 series.
    int64_t max_buckets_per_query = 60;
    // Series tracked at once; points of further new series are ignored (and counted) until idle
    // series are evicted. ~1 KiB of detector state each.
    size_t max_series = 2'000'000;
    // A series without a point for this long is forgotten (its state is relearned if it returns).
    int64_t idle_evict_seconds = int64_t{7} * 24 * 3600;
    // Multivariate layer (ServiceModelTable): services with a forest at once (0 disables the
    // layer; 0.2-1.7 MB of memory each, not checkpointed), and metrics per service model.
    size_t max_service_models = 2000;
    size_t max_service_metrics = 16;
    // The forests' windows are counted in rows, one per step: the defaults (two days, retraining
    // every 6 h, first training after a day) assume 60 s steps.
    detect::ServiceForest::Options service_forest;
};

// The file of a shard's checkpoint under `<data_dir>/watchdog/`.
inline std::filesystem::path checkpointPath(const std::filesystem::path& data_dir,
                                            const ShardSpec& shard) {
    return data_dir / "watchdog" /
           ("shard-" + std::to_string(shard.index()) + "-of-" + std::to_string(shard.count()) +
            ".ckpt");
}

}  // namespace infrasage::watchdog
