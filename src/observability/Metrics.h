// observability/Metrics: every Prometheus metric the server exports, declared in one place so names
// and labels stay consistent, rendered in the text exposition format for /metrics. Backed by
// prometheus-cpp (core only; the HTTP endpoint is ours).
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace infrasage::observability {

// One finished cycle of the Watchdog (the engine role running inside `serve`).
struct WatchdogCycleStats {
    double seconds = 0;  // wall time of the cycle
    uint64_t points = 0;
    uint64_t anomalies = 0;
    uint64_t tracked_series = 0;
    uint64_t dropped_series = 0;  // new series refused because the state table was full
    double finished_at = 0;       // unix seconds
};

class Metrics {
  public:
    Metrics();

    void observeRequest(const std::string& route, const std::string& method, int status,
                        std::chrono::duration<double> latency);
    void addRecordsAccepted(const std::string& type, double n);
    void addRecordsRejected(const std::string& error, double n);
    void addRowsWritten(const std::string& table, double n);
    void addFlushError();
    void observeClickHouseRoundTrip(std::chrono::duration<double> rtt);
    void setWalPendingBytes(double bytes);
    void setWalMaxBytes(double bytes);
    void setClickHouseUp(bool up);
    void addRateLimited(const std::string& kind);    // api_key | tenant
    void addAuthFailure(const std::string& reason);  // token_expired, unknown_api_key, ...
    void addAuditEntries(const std::string& outcome, double n);
    // A cycle that found nothing closed to read counts as ok with zero points.
    void observeWatchdogCycle(const WatchdogCycleStats& stats);
    void addWatchdogCycleFailure();

    // Prometheus text exposition format (version 0.0.4).
    std::string render() const;

    prometheus::Registry& registry() { return *registry_; }

  private:
    std::shared_ptr<prometheus::Registry> registry_;
    prometheus::Family<prometheus::Counter>& requests_;
    prometheus::Family<prometheus::Histogram>& request_latency_;
    prometheus::Family<prometheus::Counter>& records_accepted_;
    prometheus::Family<prometheus::Counter>& records_rejected_;
    prometheus::Family<prometheus::Counter>& rows_written_;
    prometheus::Counter& flush_errors_;
    prometheus::Histogram& clickhouse_rtt_;
    prometheus::Gauge& wal_pending_bytes_;
    prometheus::Gauge& wal_max_bytes_;
    prometheus::Gauge& clickhouse_up_;
    prometheus::Family<prometheus::Counter>& rate_limited_;
    prometheus::Family<prometheus::Counter>& auth_failures_;
    prometheus::Family<prometheus::Counter>& audit_entries_;
    prometheus::Family<prometheus::Counter>& watchdog_cycles_;
    prometheus::Histogram& watchdog_cycle_seconds_;
    prometheus::Counter& watchdog_points_;
    prometheus::Counter& watchdog_anomalies_;
    prometheus::Counter& watchdog_dropped_series_;
    prometheus::Gauge& watchdog_tracked_series_;
    prometheus::Gauge& watchdog_last_success_;
};

}  // namespace infrasage::observability
