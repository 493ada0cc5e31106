// otlp/MetricsDecoder: an OTLP ExportMetricsServiceRequest into decoder-neutral series
// (ingest/MetricSamples.h) for ingest::SampleIngestService, which validates, fingerprints and
// stores them. How each OTLP metric type becomes series (src/otlp/README.md has the table):
//  - gauge, sum: `<name>`, the value as given (as_int converted to double). A sum keeps
//    `otel.temporality` (cumulative | delta) and `otel.monotonic` (true | false) as labels.
//  - histogram: `<name>_bucket` per bucket with `le` (upper bound; "+Inf" for the last) holding
//    the CUMULATIVE count up to that bound (Prometheus convention), `<name>_count`, `<name>_sum`,
//    `<name>_min` and `<name>_max` when present; `otel.temporality` on each.
//  - exponential histogram: `<name>_count`, `<name>_sum`, `_min`, `_max` (buckets are not stored).
//  - summary: `<name>_count`, `<name>_sum`, and `<name>` with `quantile` per quantile value.
// Labels: the merged attribute set (otlp/AttributeSet.h); service_id from `service.name`.
// Timestamps: time_unix_nano, to milliseconds. A point flagged "no recorded value" is skipped.
// Refused by the decoder (counted in `rejected`): a number point without a value, a histogram
// whose bucket counts do not match its bounds or whose bounds are not increasing, a metric
// without data. Everything else (names, label limits, NaN, timestamp window) is the sample
// path's to judge.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "ingest/MetricSamples.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "otlp/Rejections.h"

namespace infrasage::otlp {

struct DecodedMetrics {
    std::vector<ingest::SeriesSamples> series;  // views into the storage below
    uint64_t data_points = 0;                   // OTLP data points decoded into series
    Rejections rejected;                        // OTLP data points refused by the decoder

    // Storage the views point into; deques never move their elements.
    std::deque<std::string> strings;
    std::deque<std::vector<ingest::LabelView>> labels;
    std::deque<ingest::SamplePoint> points;
};

class MetricsDecoder {
  public:
    // More than `max_series` series from one request: ApiError 413 too_many_series (the decoder
    // stops before building them).
    explicit MetricsDecoder(std::size_t max_series) : max_series_(max_series) {}

    DecodedMetrics decode(
        const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest& request)
        const;

  private:
    std::size_t max_series_;
};

}  // namespace infrasage::otlp
