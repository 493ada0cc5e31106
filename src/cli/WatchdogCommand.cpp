#include "cli/WatchdogCommand.h"

#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "cli/ClickHouseOptionsFromConfig.h"
#include "cli/SignalWatcher.h"
#include "cli/WatchdogEnsembleOptions.h"
#include "common/Clock.h"
#include "observability/Log.h"
#include "storage/SchemaMigrations.h"
#include "watchdog/AnomalyWriter.h"
#include "watchdog/SeriesReader.h"
#include "watchdog/Watchdog.h"

namespace infrasage::cli {

namespace {

using observability::logInfo;
using observability::logWarn;

nlohmann::json summaryJson(const watchdog::ShardSpec& shard, const watchdog::CycleSummary& s) {
    return {{"shard", shard.toString()},
            {"since", s.since},
            {"until", s.until},
            {"series", s.series},
            {"points", s.points},
            {"anomalies", s.anomalies},
            {"tracked_series", s.tracked_series},
            {"dropped_series", s.dropped_series},
            {"multivariate_anomalies", s.multivariate_anomalies},
            {"service_models", s.service_models},
            {"checkpoint_bytes", s.checkpoint_bytes},
            {"skipped", s.skipped},
            {"cycle_ms", s.cycle_ms}};
}

int64_t nowSeconds() {
    return SystemClock::instance().nowNanos() / 1'000'000'000;
}

// Blocks until SIGINT/SIGTERM.
void waitForSignal(SignalWatcher& signals) {
    std::mutex mutex;
    std::condition_variable cv;
    bool stop = false;
    signals.start([&](int sig) {
        logInfo("shutdown requested", {{"signal", sig}});
        std::lock_guard lock(mutex);
        stop = true;
        cv.notify_all();
    });
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return stop; });
}

}  // namespace

watchdog::WatchdogOptions watchdogOptions(const config::Config& cfg,
                                          const watchdog::ShardSpec& shard) {
    watchdog::WatchdogOptions o;
    o.shard = shard;
    o.step_seconds = cfg.watchdog_interval_seconds;
    o.ensemble = watchdogEnsembleOptions(cfg);  // the same detector `eval nab` scores
    o.checkpoint_path = watchdog::checkpointPath(cfg.data_dir, shard);
    return o;
}

WatchdogCommand::WatchdogCommand(CLI::App& app)
    : command_(app.add_subcommand(
          "watchdog", "Run the Watchdog (anomaly detection, engine role) until SIGTERM")) {
    command_->add_option("--shard", shard_,
                         "Part of the series space to own, i/n (0-based; default 0/1: all)");
    command_->add_flag("--once", once_, "Run one cycle, print a JSON summary and exit");
    command_->add_option("--now", now_, "With --once: run the cycle as of this time (unix seconds)")
        ->check(CLI::NonNegativeNumber);
}

int WatchdogCommand::run(const config::Config& cfg) {
    SignalWatcher signals;  // first: threads created below inherit the blocked signals
    observability::setLogLevel(cfg.log_level);
    watchdog::ShardSpec shard;
    try {
        shard = watchdog::ShardSpec::parse(shard_);
    } catch (const std::invalid_argument& e) {
        std::cerr << "infrasage watchdog: --shard: " << e.what() << "\n";
        return 2;
    }
    if (now_ >= 0 && !once_) {
        std::cerr << "infrasage watchdog: --now needs --once\n";
        return 2;
    }
    try {
        storage::ClickHouseClient clickhouse(clickHouseOptions(cfg));
        auto options = watchdogOptions(cfg, shard);
        watchdog::SeriesReader reader(clickhouse, shard, options.step_seconds);
        watchdog::AnomalyWriter writer(clickhouse);
        if (once_) {
            storage::SchemaMigrations(clickhouse, cfg.clickhouse_database).apply();
            watchdog::WatchdogCycle cycle(std::move(options), reader, writer);
            auto summary = cycle.run(now_ >= 0 ? now_ : nowSeconds());
            std::cout << summaryJson(shard, summary).dump() << std::endl;
            return 0;
        }
        try {
            storage::SchemaMigrations(clickhouse, cfg.clickhouse_database).apply();
        } catch (const std::exception& e) {
            // Cycles fail and retry until the schema exists (serve may still be creating it).
            logWarn("schema migration failed; cycles retry each interval", {{"error", e.what()}});
        }
        watchdog::Watchdog engine(std::move(options), reader, writer, SystemClock::instance());
        engine.start();
        logInfo("watchdog running",
                {{"shard", shard.toString()}, {"interval_seconds", cfg.watchdog_interval_seconds}});
        waitForSignal(signals);
        engine.stop();
        logInfo("watchdog stopped", {{"shard", shard.toString()}});
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "infrasage watchdog: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace infrasage::cli
