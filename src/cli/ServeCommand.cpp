#include "cli/ServeCommand.h"

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

#include "api/AuditRecorder.h"
#include "api/ReadinessProbe.h"
#include "api/Routes.h"
#include "audit/AuditLog.h"
#include "audit/AuditOutbox.h"
#include "audit/AuditReader.h"
#include "cli/ClickHouseOptionsFromConfig.h"
#include "cli/IdentityStack.h"
#include "cli/SignalWatcher.h"
#include "cli/WatchdogCommand.h"
#include "cli/WatchdogEnsembleOptions.h"
#include "common/PeriodicTask.h"
#include "http/AuthenticationFilter.h"
#include "http/AuthorizationFilter.h"
#include "http/HttpServer.h"
#include "http/RateLimitFilter.h"
#include "ingest/IngestService.h"
#include "observability/Log.h"
#include "otlp/OtlpIngestService.h"
#include "storage/ClickHouseRowSink.h"
#include "storage/RetentionJob.h"
#include "storage/SampleTables.h"
#include "storage/SchemaMigrations.h"
#include "storage/Streams.h"
#include "watchdog/AnomalyWriter.h"
#include "watchdog/SeriesReader.h"
#include "watchdog/Watchdog.h"

namespace infrasage::cli {

namespace {

using observability::logError;
using observability::logInfo;
using observability::logWarn;

constexpr int kAuditRetentionDays = 400;  // at least 90 days, as the product promises

// Applies migrations, retrying until ClickHouse answers, then starts delivery. Ingestion is open
// meanwhile: acknowledged records wait in the WAL, so a ClickHouse outage at start loses nothing.
class SchemaBootstrap {
  public:
    SchemaBootstrap(storage::ClickHouseClient& clickhouse, const std::string& database,
                    wal::DeliveryWorker& delivery)
        : thread_(
              [this, &clickhouse, database, &delivery] { run(clickhouse, database, delivery); }) {}

    ~SchemaBootstrap() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }
    SchemaBootstrap(const SchemaBootstrap&) = delete;
    SchemaBootstrap& operator=(const SchemaBootstrap&) = delete;

  private:
    void run(storage::ClickHouseClient& clickhouse, const std::string& database,
             wal::DeliveryWorker& delivery) {
        storage::SchemaMigrations migrations(clickhouse, database);
        while (true) {
            try {
                auto applied = migrations.apply();
                logInfo("schema ready", {{"version", migrations.currentVersion()},
                                         {"applied_now", applied.size()}});
                break;
            } catch (const std::exception& e) {
                logWarn("schema migration failed; retrying", {{"error", e.what()}});
            }
            std::unique_lock lock(mutex_);
            if (cv_.wait_for(lock, std::chrono::seconds(2), [this] { return stopping_; })) {
                return;
            }
        }
        delivery.start();
    }

    std::mutex mutex_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
};

http::ServerOptions serverOptions(const config::Config& cfg) {
    http::ServerOptions o;
    o.host = cfg.listen_host;
    o.port = cfg.listen_port;
    o.tls_enabled = cfg.tls_enabled;
    o.tls_cert = cfg.tls_cert;
    o.tls_key = cfg.tls_key;
    o.mtls_enabled = cfg.mtls_enabled;
    o.mtls_client_ca = cfg.mtls_client_ca;
    o.workers = cfg.http_workers;
    o.read_timeout_seconds = cfg.http_read_timeout_seconds;
    o.idle_timeout_seconds = cfg.http_idle_timeout_seconds;
    o.max_body_bytes = cfg.max_body_bytes;
    return o;
}

wal::DeliveryObserver deliveryObserver(observability::Metrics& metrics) {
    wal::DeliveryObserver o;
    o.on_insert = [&metrics](storage::StreamId stream, uint32_t rows, std::chrono::microseconds) {
        auto target = storage::streamTarget(stream);
        metrics.addRowsWritten(target ? std::string(target->table) : "unknown", rows);
        metrics.setClickHouseUp(true);
    };
    o.on_error = [&metrics](const std::exception& e) {
        metrics.addFlushError();
        metrics.setClickHouseUp(false);
        logWarn("clickhouse insert failed; will retry", {{"error", e.what()}});
    };
    return o;
}

std::map<std::string, int> telemetryRetention(const config::Config& cfg) {
    std::map<std::string, int> days;
    for (const auto& spec : storage::kTelemetryTables) {
        days[std::string(spec.table)] = static_cast<int>(cfg.retention_days);
    }
    for (const auto table : {storage::kSamplesTable, storage::kSpansTable}) {
        days[std::string(table)] = static_cast<int>(cfg.retention_days);
    }
    days[std::string(storage::kAuditLogTable)] =
        std::max(kAuditRetentionDays, static_cast<int>(cfg.retention_days));
    return days;
}

PeriodicTask::ErrorHandler logFailure(const char* what) {
    return [what](const std::exception& e) { logError(what, {{"error", e.what()}}); };
}

http::RateLimitFilter::LimitsFor rateLimits(auth::CredentialAuthenticator& authenticator) {
    return [&authenticator](const auth::Principal& p) {
        http::RateLimits limits;
        limits.key_rps = static_cast<double>(p.key_rate_limit_rps);
        if (auto tenant = authenticator.activeTenant(p.tenant_id)) {
            limits.tenant_rps = static_cast<double>(tenant->rps_quota);
        }
        return limits;
    };
}

}  // namespace

int runServe(const config::Config& cfg) {
    SignalWatcher signals;  // first: every thread created below inherits the blocked signals
    observability::setLogLevel(cfg.log_level);
    try {
        observability::Metrics metrics;
        storage::ClickHouseClient clickhouse(clickHouseOptions(cfg));
        clickhouse.setRoundTripObserver([&metrics](std::chrono::microseconds rtt) {
            metrics.observeClickHouseRoundTrip(rtt);
            metrics.setClickHouseUp(true);
        });
        wal::WalOptions wal_options;
        wal_options.dir = std::filesystem::path(cfg.data_dir) / "wal";
        wal_options.segment_bytes = cfg.wal_segment_bytes;
        wal_options.max_pending_bytes = cfg.wal_max_bytes;
        wal_options.on_warning = [](const std::string& warning) {
            logWarn("write-ahead log recovery", {{"detail", warning}});
        };
        std::filesystem::create_directories(wal_options.dir);
        wal::WriteAheadLog wal(wal_options);
        metrics.setWalMaxBytes(static_cast<double>(cfg.wal_max_bytes));

        storage::ClickHouseRowSink sink(clickhouse);
        wal::DeliveryOptions delivery_options;
        delivery_options.target_rows = cfg.flush_rows;
        delivery_options.max_delay = std::chrono::milliseconds(cfg.flush_interval_ms);
        wal::DeliveryWorker delivery(wal, sink, delivery_options, deliveryObserver(metrics));

        IdentityStack identity(cfg, SystemClock::instance());
        audit::AuditLog audit_log(wal, SystemClock::instance());
        audit_log.start();
        audit::AuditReader audit_reader(clickhouse, cfg.clickhouse_database);

        ingest::IngestService ingest(wal, ingest::IngestLimits{}, SystemClock::instance(), metrics,
                                     cfg.ingest_max_inflight);
        ingest::SampleIngestService samples(wal, ingest::SampleLimits{}, SystemClock::instance(),
                                            metrics, cfg.ingest_max_inflight);
        ingest::RemoteWriteOptions remote_write_options;
        remote_write_options.service_labels = cfg.prometheus_service_labels;
        const ingest::RemoteWriteDecoder remote_write(remote_write_options);
        otlp::OtlpIngestService otlp_ingest(wal, samples, ingest::IngestLimits{},
                                            SystemClock::instance(), metrics,
                                            cfg.ingest_max_inflight);
        api::ReadinessProbe readiness(clickhouse, wal);
        api::Services services{ingest,
                               clickhouse,
                               wal,
                               delivery,
                               metrics,
                               readiness,
                               identity.auth(),
                               identity.apiKeys(),
                               identity.users(),
                               identity.tenants(),
                               audit_reader,
                               SystemClock::instance(),
                               cfg.production ? "production" : "development"};
        services.detection = watchdogEnsembleOptions(cfg);
        services.engine_role = cfg.watchdog_enabled;
        services.samples = &samples;
        services.remote_write = &remote_write;
        services.otlp = &otlp_ingest;

        http::HttpServer server(serverOptions(cfg), metrics);
        server.addFilter(std::make_shared<http::AuthenticationFilter>(identity.authenticator()));
        server.addFilter(std::make_shared<http::AuthorizationFilter>());
        server.addFilter(std::make_shared<http::RateLimitFilter>(
            identity.rateLimiter(), rateLimits(identity.authenticator()), SystemClock::instance(),
            metrics));
        server.setObserver(std::make_shared<api::AuditRecorder>(audit_log, metrics));
        for (auto& route : api::buildRoutes(&services)) {
            server.addRoute(std::move(route));
        }
        server.bind();

        // last_used_at is kept in memory per request and written in batches.
        PeriodicTask key_usage(
            [&identity] { identity.store().touchApiKeys(identity.authenticator().takeLastUsed()); },
            std::chrono::seconds(30), logFailure("api key usage flush failed"));
        key_usage.start();
        // Audit entries of admin CLI actions wait in the control store until moved here.
        PeriodicTask outbox(
            [&identity, &audit_log] { audit::drainAuditOutbox(identity.store(), audit_log); },
            std::chrono::seconds(2), logFailure("audit outbox drain failed"));
        outbox.start();

        auto bootstrap =
            std::make_unique<SchemaBootstrap>(clickhouse, cfg.clickhouse_database, delivery);
        storage::RetentionJob retention_job(clickhouse, cfg.clickhouse_database,
                                            telemetryRetention(cfg), SystemClock::instance());
        PeriodicTask retention(
            [&retention_job] {
                for (const auto& dropped : retention_job.runOnce()) {
                    logInfo("retention dropped partition",
                            {{"table", dropped.table}, {"partition", dropped.partition}});
                }
            },
            std::chrono::hours(1), logFailure("retention run failed"));
        retention.start();
        // The engine role in-process: every series (shard 0/1). Its first cycles fail and retry
        // each interval until the schema bootstrap has created the tables.
        watchdog::SeriesReader watchdog_reader(clickhouse, watchdog::ShardSpec(),
                                               cfg.watchdog_interval_seconds);
        watchdog::AnomalyWriter watchdog_writer(clickhouse);
        std::optional<watchdog::Watchdog> engine;
        if (cfg.watchdog_enabled) {
            engine.emplace(watchdogOptions(cfg, watchdog::ShardSpec()), watchdog_reader,
                           watchdog_writer, SystemClock::instance(), &metrics);
            engine->start();
        }
        signals.start([&server](int sig) {
            logInfo("shutdown requested", {{"signal", sig}});
            server.stop();
        });
        logInfo("listening", {{"address", cfg.listen_host + ":" + std::to_string(server.port())},
                              {"tls", cfg.tls_enabled},
                              {"environment", services.environment}});
        server.serve();  // returns once in-flight requests are done

        if (engine) {
            engine->stop();  // cancels a catch-up at its next read
        }
        retention.stop();
        key_usage.stop();
        outbox.stop();
        identity.store().touchApiKeys(identity.authenticator().takeLastUsed());
        audit_log.stop();  // flushes the ingestion summaries into the WAL before the drain
        bootstrap.reset();
        delivery.stop(std::chrono::seconds(cfg.shutdown_drain_seconds));
        logInfo("stopped", {{"wal_pending_bytes", wal.pendingBytes()}});
        return 0;
    } catch (const std::exception& e) {
        logError("fatal", {{"error", e.what()}});
        return 1;
    }
}

}  // namespace infrasage::cli
