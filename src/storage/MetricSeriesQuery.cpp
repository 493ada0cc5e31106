#include "storage/MetricSeriesQuery.h"

#include <stdexcept>

#include "storage/RowBinaryReader.h"
#include "storage/SqlLiteral.h"
#include "storage/TelemetryTables.h"
#include "storage/TenantQuery.h"

namespace infrasage::storage {

MetricSeriesQuery::MetricSeriesQuery(ClickHouseClient& client, std::string database)
    : client_(client), database_(std::move(database)) {}

std::vector<SeriesBucket> MetricSeriesQuery::buckets(const tenancy::TenantScope& scope,
                                                     const SeriesRequest& request) {
    if (request.step <= 0) {
        throw std::invalid_argument("MetricSeriesQuery: step must be positive");
    }
    const auto step = static_cast<uint64_t>(request.step);
    TenantQuery query(scope, database_, tableSpec(TelemetryType::Metric).table);
    query.select(SqlBuilder("toUInt32(intDiv(toUInt32(timestamp), ")
                     .unsignedInteger(step)
                     .sql(") * ")
                     .unsignedInteger(step)
                     .sql(") AS bucket, avg(value) AS avg_value, count() AS points"));
    query.whereEquals("service_id", request.service_id)
        .whereEquals("metric_name", request.metric_name)
        .whereSince("timestamp", request.since)
        .whereUntil("timestamp", request.until)
        .groupBy("bucket")
        .orderBy("bucket")
        .format("RowBinary");

    const std::string body = client_.query(query.str());
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
