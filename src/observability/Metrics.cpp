#include "observability/Metrics.h"

#include <prometheus/text_serializer.h>

#include <sstream>

namespace infrasage::observability {

namespace {

const prometheus::Histogram::BucketBoundaries& latencyBuckets() {
    static const prometheus::Histogram::BucketBoundaries buckets{
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    return buckets;
}

}  // namespace

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      requests_(prometheus::BuildCounter()
                    .Name("infrasage_http_requests_total")
                    .Help("HTTP requests by route template, method and status code")
                    .Register(*registry_)),
      request_latency_(prometheus::BuildHistogram()
                           .Name("infrasage_http_request_duration_seconds")
                           .Help("HTTP request latency by route template")
                           .Register(*registry_)),
      records_accepted_(prometheus::BuildCounter()
                            .Name("infrasage_ingest_records_accepted_total")
                            .Help("Telemetry records acknowledged (durable in the WAL) by type")
                            .Register(*registry_)),
      records_rejected_(prometheus::BuildCounter()
                            .Name("infrasage_ingest_records_rejected_total")
                            .Help("Telemetry records refused, by error code")
                            .Register(*registry_)),
      rows_written_(prometheus::BuildCounter()
                        .Name("infrasage_clickhouse_rows_written_total")
                        .Help("Rows inserted into ClickHouse by table")
                        .Register(*registry_)),
      flush_errors_(prometheus::BuildCounter()
                        .Name("infrasage_clickhouse_flush_errors_total")
                        .Help("Failed inserts into ClickHouse (retried)")
                        .Register(*registry_)
                        .Add({})),
      clickhouse_rtt_(prometheus::BuildHistogram()
                          .Name("infrasage_clickhouse_round_trip_seconds")
                          .Help("ClickHouse request round-trip time")
                          .Register(*registry_)
                          .Add({}, latencyBuckets())),
      wal_pending_bytes_(prometheus::BuildGauge()
                             .Name("infrasage_wal_pending_bytes")
                             .Help("Bytes in the write-ahead log not yet delivered to ClickHouse")
                             .Register(*registry_)
                             .Add({})),
      wal_max_bytes_(prometheus::BuildGauge()
                         .Name("infrasage_wal_max_bytes")
                         .Help("Disk cap of the write-ahead log")
                         .Register(*registry_)
                         .Add({})),
      clickhouse_up_(prometheus::BuildGauge()
                         .Name("infrasage_clickhouse_up")
                         .Help("1 after ClickHouse answered a request; 0 after a failed insert")
                         .Register(*registry_)
                         .Add({})),
      rate_limited_(prometheus::BuildCounter()
                        .Name("infrasage_rate_limited_total")
                        .Help("Requests refused with 429 by the per-key or per-tenant bucket")
                        .Register(*registry_)),
      auth_failures_(prometheus::BuildCounter()
                         .Name("infrasage_auth_failures_total")
                         .Help("Failed authentications by reason")
                         .Register(*registry_)),
      audit_entries_(prometheus::BuildCounter()
                         .Name("infrasage_audit_entries_total")
                         .Help("Audit entries made durable, by outcome")
                         .Register(*registry_)),
      watchdog_cycles_(prometheus::BuildCounter()
                           .Name("infrasage_watchdog_cycles_total")
                           .Help("Watchdog detection cycles by outcome (ok, failed)")
                           .Register(*registry_)),
      watchdog_cycle_seconds_(prometheus::BuildHistogram()
                                  .Name("infrasage_watchdog_cycle_duration_seconds")
                                  .Help("Wall time of a successful Watchdog cycle")
                                  .Register(*registry_)
                                  .Add({}, latencyBuckets())),
      watchdog_points_(prometheus::BuildCounter()
                           .Name("infrasage_watchdog_points_total")
                           .Help("Series points fed to the detectors")
                           .Register(*registry_)
                           .Add({})),
      watchdog_anomalies_(prometheus::BuildCounter()
                              .Name("infrasage_watchdog_anomalies_total")
                              .Help("Anomalies the Watchdog wrote")
                              .Register(*registry_)
                              .Add({})),
      watchdog_dropped_series_(prometheus::BuildCounter()
                                   .Name("infrasage_watchdog_dropped_series_total")
                                   .Help("New series not tracked because the state table was full")
                                   .Register(*registry_)
                                   .Add({})),
      watchdog_tracked_series_(prometheus::BuildGauge()
                                   .Name("infrasage_watchdog_tracked_series")
                                   .Help("Series with detector state after the last cycle")
                                   .Register(*registry_)
                                   .Add({})),
      watchdog_last_success_(prometheus::BuildGauge()
                                 .Name("infrasage_watchdog_last_success_timestamp_seconds")
                                 .Help("When the last Watchdog cycle succeeded (alert on its age)")
                                 .Register(*registry_)
                                 .Add({})) {}

void Metrics::observeWatchdogCycle(const WatchdogCycleStats& stats) {
    watchdog_cycles_.Add({{"outcome", "ok"}}).Increment();
    watchdog_cycle_seconds_.Observe(stats.seconds);
    watchdog_points_.Increment(static_cast<double>(stats.points));
    watchdog_anomalies_.Increment(static_cast<double>(stats.anomalies));
    watchdog_dropped_series_.Increment(static_cast<double>(stats.dropped_series));
    watchdog_tracked_series_.Set(static_cast<double>(stats.tracked_series));
    watchdog_last_success_.Set(stats.finished_at);
}

void Metrics::addWatchdogCycleFailure() {
    watchdog_cycles_.Add({{"outcome", "failed"}}).Increment();
}

void Metrics::addRateLimited(const std::string& kind) {
    rate_limited_.Add({{"kind", kind}}).Increment();
}

void Metrics::addAuthFailure(const std::string& reason) {
    auth_failures_.Add({{"reason", reason}}).Increment();
}

void Metrics::addAuditEntries(const std::string& outcome, double n) {
    audit_entries_.Add({{"outcome", outcome}}).Increment(n);
}

void Metrics::observeRequest(const std::string& route, const std::string& method, int status,
                             std::chrono::duration<double> latency) {
    requests_.Add({{"route", route}, {"method", method}, {"status", std::to_string(status)}})
        .Increment();
    request_latency_.Add({{"route", route}}, latencyBuckets()).Observe(latency.count());
}

void Metrics::addRecordsAccepted(const std::string& type, double n) {
    records_accepted_.Add({{"type", type}}).Increment(n);
}

void Metrics::addRecordsRejected(const std::string& error, double n) {
    records_rejected_.Add({{"error", error}}).Increment(n);
}

void Metrics::addRowsWritten(const std::string& table, double n) {
    rows_written_.Add({{"table", table}}).Increment(n);
}

void Metrics::addFlushError() {
    flush_errors_.Increment();
}

void Metrics::observeClickHouseRoundTrip(std::chrono::duration<double> rtt) {
    clickhouse_rtt_.Observe(rtt.count());
}

void Metrics::setWalPendingBytes(double bytes) {
    wal_pending_bytes_.Set(bytes);
}
void Metrics::setWalMaxBytes(double bytes) {
    wal_max_bytes_.Set(bytes);
}
void Metrics::setClickHouseUp(bool up) {
    clickhouse_up_.Set(up ? 1 : 0);
}

std::string Metrics::render() const {
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, registry_->Collect());
    return out.str();
}

}  // namespace infrasage::observability
