// otlp/LogDecoder: an OTLP ExportLogsServiceRequest into rows of the logs table with its severity
// columns (storage::kOtlpLogColumnList order) for WAL stream storage::kOtlpLogsStream.
// timestamp: time_unix_nano, else observed_time_unix_nano, else the time received. body: the
// AnyValue as text (otlp/AnyValueText.h; may be empty). trace_id: lowercase hex or "". A span_id
// is kept as the attribute `span_id` (unless the record sets that key itself). Attributes: the
// merged set (otlp/AttributeSet.h). severity_text and severity_number (0-24) as sent.
//
// A record is refused (counted, the others kept) for: a trace_id that is not 16 bytes or a span_id
// not 8 (invalid_id), severity_number outside 0-24 (invalid_severity), severity_text longer than
// max_attribute_key_bytes or a body longer than IngestLimits::max_body_bytes (field_too_long), a
// time outside the ingestion window, and the service and attribute checks of JSON ingestion.
// More than max_batch_records records: ApiError 413 too_many_records, nothing kept.
#pragma once

#include <cstdint>
#include <string_view>

#include "ingest/IngestLimits.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "otlp/EncodedItems.h"

namespace infrasage::otlp {

class LogDecoder {
  public:
    LogDecoder(const ingest::IngestLimits& limits, int64_t now_nanos)
        : limits_(limits), now_nanos_(now_nanos) {}

    EncodedItems decode(
        const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& request,
        std::string_view tenant_id) const;

  private:
    const ingest::IngestLimits& limits_;
    int64_t now_nanos_;
};

}  // namespace infrasage::otlp
