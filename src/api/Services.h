// api/Services: what handlers may use. Built once by `serve` and passed to the route table.
#pragma once

#include <chrono>
#include <string>

#include "audit/AuditReader.h"
#include "auth/ApiKeyService.h"
#include "auth/AuthService.h"
#include "auth/UserService.h"
#include "common/Clock.h"
#include "detect/Ensemble.h"
#include "ingest/IngestService.h"
#include "ingest/RemoteWriteDecoder.h"
#include "ingest/SampleIngestService.h"
#include "observability/Metrics.h"
#include "storage/ClickHouseClient.h"
#include "tenancy/TenantService.h"
#include "wal/DeliveryWorker.h"
#include "wal/WriteAheadLog.h"

namespace infrasage::otlp {
class OtlpIngestService;
}  // namespace infrasage::otlp

namespace infrasage::api {

class ReadinessProbe;

struct Services {
    ingest::IngestService& ingest;
    storage::ClickHouseClient& clickhouse;
    wal::WriteAheadLog& wal;
    wal::DeliveryWorker& delivery;
    observability::Metrics& metrics;
    ReadinessProbe& readiness;
    auth::AuthService& auth;
    auth::ApiKeyService& api_keys;
    auth::UserService& users;
    tenancy::TenantService& tenants;
    audit::AuditReader& audit;
    const Clock& clock;
    std::string environment;  // development | production
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    // The Watchdog's detector configuration: the series endpoint draws the band with it.
    detect::EnsembleOptions detection{};
    bool engine_role = false;  // this process runs the Watchdog
    // Sample ingestion (Prometheus remote write, OTLP metrics); null where not wired (tests).
    ingest::SampleIngestService* samples = nullptr;
    const ingest::RemoteWriteDecoder* remote_write = nullptr;
    // OTLP/HTTP ingestion (/v1/metrics, /v1/traces, /v1/logs); null where not wired (tests).
    otlp::OtlpIngestService* otlp = nullptr;
};

}  // namespace infrasage::api
