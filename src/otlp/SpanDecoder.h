// otlp/SpanDecoder: an OTLP ExportTraceServiceRequest into rows of infrasage_spans
// (storage/SampleTables.h, kSpanColumnList order) for WAL stream storage::kSpansStream.
// trace_id and span_id are stored as lowercase hex (16 and 8 bytes required), parent_span_id as
// hex or "" for a root span (0 or 8 bytes); kind as the SpanKind name without its prefix
// ("server", "client", "internal", "producer", "consumer", "unspecified"); start_time +
// start_time_nanos from start_time_unix_nano; duration_nanos = end - start; status_code "unset",
// "ok" or "error" with its message. Attributes: the merged set (otlp/AttributeSet.h).
//
// A span is refused (counted, the others kept) for: a missing or wrongly sized id (invalid_id),
// end before start (invalid_duration), a start outside the ingestion window (timestamp_too_old,
// timestamp_in_future), a name longer than IngestLimits::max_metric_name_bytes (field_too_long),
// a status message longer than max_attribute_value_bytes (field_too_long), and the service and
// attribute checks of JSON ingestion. More than IngestLimits::max_batch_records spans: ApiError
// 413 too_many_records, nothing kept.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "ingest/IngestLimits.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "otlp/EncodedItems.h"

namespace infrasage::otlp {

class SpanDecoder {
  public:
    SpanDecoder(const ingest::IngestLimits& limits, int64_t now_nanos)
        : limits_(limits), now_nanos_(now_nanos) {}

    EncodedItems decode(
        const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request,
        std::string_view tenant_id) const;

  private:
    const ingest::IngestLimits& limits_;
    int64_t now_nanos_;
};

// Shared with LogDecoder: the ingestion window check of JSON ingestion, on unix nanoseconds.
std::optional<Rejection> checkTimestamp(uint64_t unix_nanos, const ingest::IngestLimits& limits,
                                        int64_t now_nanos);

}  // namespace infrasage::otlp
