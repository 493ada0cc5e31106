// watchdog/WatchdogCycle: one detection cycle of one shard. It reads the buckets closed since the
// watermark, feeds them to the per-series detectors in time order, writes the reported anomalies,
// and only then checkpoints the states and the new watermark. A crash between the two re-runs the
// same cycle from the old checkpoint, which yields the same anomaly ids (deduplicated by the
// table), so no anomaly is lost and none is doubled.
//
// A cycle that fails after feeding (the anomaly insert, a cancelled catch-up) leaves the in-memory
// states ahead of what was written, so the next cycle first reloads the checkpoint and re-runs.
// The service models (multivariate layer) are not checkpointed; they keep the forest outputs of
// the failed cycle and the re-run reuses them (ServiceModelTable), so it reports the same rows.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>

#include "watchdog/AnomalySink.h"
#include "watchdog/Checkpoint.h"
#include "watchdog/SeriesSource.h"
#include "watchdog/SeriesStateTable.h"
#include "watchdog/ServiceModelTable.h"
#include "watchdog/WatchdogOptions.h"

namespace infrasage::watchdog {

struct CycleSummary {
    int64_t since = 0;  // the window read, [since, until)
    int64_t until = 0;
    size_t series = 0;  // series that received points
    size_t points = 0;
    size_t anomalies = 0;
    size_t tracked_series = 0;  // series in the state table after the cycle
    size_t dropped_series = 0;  // new series refused because max_series was reached
    size_t evicted_series = 0;
    size_t multivariate_anomalies = 0;  // joint anomalies of the service models (in `anomalies`)
    size_t service_models = 0;          // service models after the cycle
    size_t checkpoint_bytes = 0;
    bool skipped = false;  // nothing closed since the last cycle
    double cycle_ms = 0.0;
};

class CycleCancelled : public std::runtime_error {
  public:
    CycleCancelled() : std::runtime_error("watchdog cycle cancelled") {}
};

class WatchdogCycle {
  public:
    WatchdogCycle(WatchdogOptions options, SeriesSource& source, AnomalySink& sink);

    // Runs the cycle as of `now` (unix seconds). Throws what the source, sink or checkpoint
    // throw, or CycleCancelled when `cancel` became true between two reads.
    CycleSummary run(int64_t now, const std::atomic<bool>* cancel = nullptr);

    // The end of the window a cycle at `now` reads: the last bucket boundary settle_seconds ago.
    int64_t untilFor(int64_t now) const;

    const SeriesStateTable& state() const { return table_; }
    const ServiceModelTable& serviceModels() const { return models_; }
    const WatchdogOptions& options() const { return options_; }

  private:
    void restore();
    int64_t sinceFor(int64_t until) const;
    std::vector<storage::AnomalyRow> readAndFeed(int64_t since, int64_t until,
                                                 const std::atomic<bool>* cancel,
                                                 CycleSummary& summary);
    // Feeds one read service by service: its series' Ensembles, then its forest (the fold).
    void feedBatch(const SeriesBatch& batch, std::vector<storage::AnomalyRow>& anomalies,
                   CycleSummary& summary);

    WatchdogOptions options_;
    SeriesSource& source_;
    AnomalySink& sink_;
    std::optional<Checkpoint> checkpoint_;
    SeriesStateTable table_;
    ServiceModelTable models_;
    std::vector<std::vector<JudgedPoint>> judged_;  // per series of the service being fed; reused
    std::vector<MetricJudgements> metrics_;
    bool restored_ = false;  // table_ matches the last checkpoint or a completed cycle
};

}  // namespace infrasage::watchdog
