// storage/MetricSeriesQuery: one metric series of a tenant read back for charts — the average of
// `value` per fixed step, buckets aligned to multiples of the step (so the same step always gives
// the same bucket boundaries), oldest first. A series is (service_id, metric_name) whichever form
// its points were stored in: wide rows (`infrasage_metrics`, the JSON endpoint) and narrow samples
// (`infrasage_samples` of the `infrasage_series` with that service and metric name; remote write
// and OTLP) are averaged together, weighted by their point counts. Every label set of the metric
// name counts (PRODUCT.md §4: the series is the metric name, not the label set). The SELECT is
// built by storage/TenantQuery from the caller's TenantScope; each table read carries the tenant
// condition.
// Depends on: storage/ClickHouseClient, storage/TenantQuery.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/ClickHouseClient.h"
#include "tenancy/TenantScope.h"

namespace infrasage::storage {

struct SeriesBucket {
    int64_t timestamp = 0;  // unix seconds: the start of the bucket, a multiple of the step
    double value = 0.0;     // average of the points in [timestamp, timestamp + step)
    uint64_t count = 0;     // points averaged
    bool operator==(const SeriesBucket&) const = default;
};

struct SeriesRequest {
    std::string service_id;
    std::string metric_name;
    int64_t since = 0;  // unix seconds, inclusive
    int64_t until = 0;  // unix seconds, exclusive
    int64_t step = 60;  // seconds, > 0
};

class MetricSeriesQuery {
  public:
    MetricSeriesQuery(ClickHouseClient& client, std::string database);

    // Buckets that hold at least one point, oldest first. Throws ClickHouseError when ClickHouse
    // fails, std::invalid_argument for step <= 0.
    std::vector<SeriesBucket> buckets(const tenancy::TenantScope& scope,
                                      const SeriesRequest& request);

    // The statement buckets() sends (exposed for tests).
    std::string querySql(const tenancy::TenantScope& scope, const SeriesRequest& request) const;

  private:
    ClickHouseClient& client_;
    std::string database_;
};

}  // namespace infrasage::storage
