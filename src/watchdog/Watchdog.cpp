#include "watchdog/Watchdog.h"

#include "observability/Log.h"

namespace infrasage::watchdog {

namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;

}  // namespace

Watchdog::Watchdog(WatchdogOptions options, SeriesSource& source, AnomalySink& sink,
                   const Clock& clock, observability::Metrics* metrics)
    : cycle_(std::move(options), source, sink),
      clock_(clock),
      metrics_(metrics),
      task_([this] { runOnce(); }, std::chrono::seconds(cycle_.options().step_seconds),
            [this](const std::exception& e) {
                observability::logWarn("watchdog cycle failed; retrying next interval",
                                       {{"error", e.what()}});
                if (metrics_ != nullptr) {
                    metrics_->addWatchdogCycleFailure();
                }
            }) {}

Watchdog::~Watchdog() {
    stop();
}

void Watchdog::start() {
    cancel_ = false;
    task_.start();
}

void Watchdog::stop() {
    cancel_ = true;
    task_.stop();
}

void Watchdog::runOnce() {
    try {
        auto summary = cycle_.run(clock_.nowNanos() / kNanosPerSecond, &cancel_);
        if (metrics_ != nullptr) {
            metrics_->observeWatchdogCycle(observability::WatchdogCycleStats{
                summary.cycle_ms / 1000.0, summary.points, summary.anomalies,
                summary.tracked_series, summary.dropped_series,
                static_cast<double>(clock_.nowNanos()) / static_cast<double>(kNanosPerSecond)});
        }
        if (summary.skipped) {
            return;
        }
        observability::log(
            summary.anomalies > 0 ? observability::LogLevel::Info : observability::LogLevel::Debug,
            "watchdog cycle",
            {{"shard", cycle_.options().shard.toString()},
             {"since", summary.since},
             {"until", summary.until},
             {"series", summary.series},
             {"points", summary.points},
             {"anomalies", summary.anomalies},
             {"tracked_series", summary.tracked_series},
             {"dropped_series", summary.dropped_series},
             {"multivariate_anomalies", summary.multivariate_anomalies},
             {"service_models", summary.service_models},
             {"cycle_ms", summary.cycle_ms}});
    } catch (const CycleCancelled&) {
        // Shutting down; the next start re-runs the cycle from the checkpoint.
    }
}

}  // namespace infrasage::watchdog
