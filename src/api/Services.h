// api/Services: what handlers may use. Built once by `serve` and passed to the route table.
#pragma once

#include <chrono>
#include <string>

#include "ingest/IngestService.h"
#include "observability/Metrics.h"
#include "storage/ClickHouseClient.h"
#include "wal/DeliveryWorker.h"
#include "wal/WriteAheadLog.h"

namespace infrasage::api {

class ReadinessProbe;

struct Services {
    ingest::IngestService& ingest;
    storage::ClickHouseClient& clickhouse;
    wal::WriteAheadLog& wal;
    wal::DeliveryWorker& delivery;
    observability::Metrics& metrics;
    ReadinessProbe& readiness;
    std::string environment;  // development | production
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

}  // namespace infrasage::api
