// watchdog/Watchdog: the periodic engine loop of one shard — a WatchdogCycle every interval on its
// own thread (common/PeriodicTask). stop() cancels a long catch-up between two reads, so shutdown
// waits for at most one query, not for a day of history. With `metrics`, every cycle is counted
// on /metrics (infrasage_watchdog_*: cycles by outcome, duration, points, anomalies, tracked
// series, last success).
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>

#include "common/Clock.h"
#include "common/PeriodicTask.h"
#include "observability/Metrics.h"
#include "watchdog/WatchdogCycle.h"

namespace infrasage::watchdog {

class Watchdog {
  public:
    Watchdog(WatchdogOptions options, SeriesSource& source, AnomalySink& sink, const Clock& clock,
             observability::Metrics* metrics = nullptr);
    ~Watchdog();
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

    void start();
    // Cancels a cycle in progress at its next read and joins the thread. Idempotent.
    void stop();

    // Cycles finished so far, failed ones included (for tests and readiness).
    uint64_t completedCycles() const { return task_.completedRuns(); }

  private:
    void runOnce();

    WatchdogCycle cycle_;
    const Clock& clock_;
    observability::Metrics* metrics_;
    std::atomic<bool> cancel_{false};
    PeriodicTask task_;
};

}  // namespace infrasage::watchdog
