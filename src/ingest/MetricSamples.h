// ingest/MetricSamples: the decoder-neutral shape of metric samples that the protocol decoders
// (Prometheus remote write, OTLP metrics) hand to the sample ingestion path. Views point into the
// decoded request (or the decoder's own scratch), valid for the duration of one ingest call, so a
// decoder allocates nothing per sample. The ingestion path validates, fingerprints each series'
// identity (service_id, metric_name, labels), writes new series once and every sample as a narrow
// row (storage/SampleTables.h).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace infrasage::ingest {

struct LabelView {
    std::string_view name;
    std::string_view value;
};

struct SamplePoint {
    int64_t timestamp_ms = 0;  // unix milliseconds
    double value = 0.0;
};

// One series and its points in one request. `labels` holds every label or attribute other than
// the ones mapped to service_id and metric_name, in any order (the fingerprint sorts them).
struct SeriesSamples {
    std::string_view service_id;
    std::string_view metric_name;
    std::span<const LabelView> labels;
    std::span<const SamplePoint> points;
};

}  // namespace infrasage::ingest
