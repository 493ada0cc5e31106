// watchdog/SeriesReader: reads one shard's per-interval aggregates from the metrics table — one
// query per call, avg(value) per (tenant_id, service_id, metric_name, bucket), RowBinary parsed
// here. A system reader: it reads every tenant at once and keeps tenant_id on every series, so
// nothing downstream can mix tenants.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "storage/ClickHouseClient.h"
#include "watchdog/SeriesSource.h"
#include "watchdog/ShardSpec.h"

namespace infrasage::watchdog {

class SeriesReadError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class SeriesReader final : public SeriesSource {
  public:
    // `step_seconds` is the bucket width (WATCHDOG_INTERVAL_SECONDS).
    SeriesReader(storage::ClickHouseClient& client, ShardSpec shard, int64_t step_seconds);

    SeriesBatch read(int64_t since, int64_t until) override;

    // The statement read() sends (exposed for tests).
    std::string querySql(int64_t since, int64_t until) const;
    // Parses the RowBinary body of querySql(); throws SeriesReadError when it is malformed.
    static SeriesBatch parse(std::string_view body);

  private:
    storage::ClickHouseClient& client_;
    ShardSpec shard_;
    int64_t step_;
};

}  // namespace infrasage::watchdog
