// watchdog/SeriesReader: reads one shard's per-interval aggregates — one query per call, the
// average value per (tenant_id, service_id, metric_name, bucket), RowBinary parsed here. A series
// is that triple whichever form its points were stored in: wide rows (`infrasage_metrics`, the
// JSON endpoint) and narrow samples (`infrasage_samples`, remote write and OTLP, whose service and
// metric name come from their `infrasage_series` row) meet in one point per bucket, averaged over
// all their points. Every label set of a metric name is averaged into that one series (PRODUCT.md
// §4: the product's series is the metric name, not the label set). Both forms are split across
// shards by the same cityHash64(tenant_id, service_id, metric_name), so a series lands on the same
// shard in either form. A system reader: it reads every tenant at once and keeps tenant_id on
// every series (narrow samples join their series on (tenant_id, series_id)), so nothing
// downstream can mix tenants.
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
    // Parses the RowBinary body of querySql() — rows of (tenant_id, service_id, metric_name,
    // bucket, sum, count) ordered by series and bucket — adding up the rows of one series and
    // bucket into one point. Throws SeriesReadError when it is malformed.
    static SeriesBatch parse(std::string_view body);

  private:
    static SeriesBatch parseRows(std::string_view body);
    void appendShardSeries(storage::SqlBuilder& sql, const std::string& db) const;

    storage::ClickHouseClient& client_;
    ShardSpec shard_;
    int64_t step_;
};

}  // namespace infrasage::watchdog
