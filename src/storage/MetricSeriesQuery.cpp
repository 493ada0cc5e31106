#include "storage/MetricSeriesQuery.h"

#include <stdexcept>
#include <utility>
#include <vector>

#include "storage/RowBinaryReader.h"
#include "storage/SampleTables.h"
#include "storage/SqlLiteral.h"
#include "storage/TelemetryTables.h"
#include "storage/TenantQuery.h"

namespace infrasage::storage {

namespace {

// `toUInt32(intDiv(toUInt32(timestamp), step) * step) AS bucket, sum(value) AS s, count() AS c`:
// both sources return sums and counts, so the outer query's average weighs every point equally.
SqlBuilder bucketSums(uint64_t step) {
    return SqlBuilder("toUInt32(intDiv(toUInt32(timestamp), ")
        .unsignedInteger(step)
        .sql(") * ")
        .unsignedInteger(step)
        .sql(") AS bucket, sum(value) AS s, count() AS c");
}

}  // namespace

MetricSeriesQuery::MetricSeriesQuery(ClickHouseClient& client, std::string database)
    : client_(client), database_(std::move(database)) {}

// Conditions are on the stored columns, so both tables use their primary keys: the wide table by
// (tenant, service, metric, time), the samples by (tenant, series ids of the metric, time).
std::string MetricSeriesQuery::querySql(const tenancy::TenantScope& scope,
                                        const SeriesRequest& request) const {
    if (request.step <= 0) {
        throw std::invalid_argument("MetricSeriesQuery: step must be positive");
    }
    const auto step = static_cast<uint64_t>(request.step);

    TenantQuery wide(scope, database_, tableSpec(TelemetryType::Metric).table);
    wide.select(bucketSums(step))
        .whereEquals("service_id", request.service_id)
        .whereEquals("metric_name", request.metric_name)
        .whereSince("timestamp", request.since)
        .whereUntil("timestamp", request.until)
        .groupBy("bucket");

    TenantQuery series(scope, database_, kSeriesTable);
    series.select("series_id")
        .whereEquals("service_id", request.service_id)
        .whereEquals("metric_name", request.metric_name);
    TenantQuery narrow(scope, database_, kSamplesTable);
    narrow.select(bucketSums(step))
        .whereIn("series_id", series)
        .whereSince("timestamp", request.since)
        .whereUntil("timestamp", request.until)
        .groupBy("bucket");

    std::vector<TenantQuery> parts;
    parts.push_back(std::move(wide));
    parts.push_back(std::move(narrow));
    auto query = TenantQuery::unionAll(scope, std::move(parts));
    query.select("bucket, sum(s) / sum(c) AS avg_value, sum(c) AS points")
        .groupBy("bucket")
        .orderBy("bucket")
        .format("RowBinary");
    return query.str();
}

std::vector<SeriesBucket> MetricSeriesQuery::buckets(const tenancy::TenantScope& scope,
                                                     const SeriesRequest& request) {
    const std::string body = client_.query(querySql(scope, request));
    RowBinaryReader in(body);
    std::vector<SeriesBucket> out;
    while (!in.atEnd()) {
        SeriesBucket bucket;
        bucket.timestamp = static_cast<int64_t>(in.fixed(4));
        bucket.value = in.float64();
        bucket.count = in.fixed(8);
        out.push_back(bucket);
    }
    return out;
}

}  // namespace infrasage::storage
