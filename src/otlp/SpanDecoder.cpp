#include "otlp/SpanDecoder.h"

#include <chrono>
#include <limits>

#include "common/ApiError.h"
#include "common/Hex.h"
#include "otlp/AttributeSet.h"
#include "otlp/RowAppender.h"

namespace infrasage::otlp {

namespace {

namespace pbt = opentelemetry::proto::trace::v1;

constexpr uint64_t kNanosPerSecond = 1'000'000'000U;

std::string_view kindName(pbt::Span::SpanKind kind) {
    switch (kind) {
        case pbt::Span::SPAN_KIND_INTERNAL:
            return "internal";
        case pbt::Span::SPAN_KIND_SERVER:
            return "server";
        case pbt::Span::SPAN_KIND_CLIENT:
            return "client";
        case pbt::Span::SPAN_KIND_PRODUCER:
            return "producer";
        case pbt::Span::SPAN_KIND_CONSUMER:
            return "consumer";
        default:
            return "unspecified";
    }
}

std::string_view statusName(pbt::Status::StatusCode code) {
    switch (code) {
        case pbt::Status::STATUS_CODE_OK:
            return "ok";
        case pbt::Status::STATUS_CODE_ERROR:
            return "error";
        default:
            return "unset";
    }
}

std::optional<Rejection> checkSpan(const pbt::Span& span, const ingest::IngestLimits& limits,
                                   int64_t now_nanos) {
    if (span.trace_id().size() != 16 || span.span_id().size() != 8 ||
        (!span.parent_span_id().empty() && span.parent_span_id().size() != 8)) {
        return Rejection{"invalid_id",
                         "trace_id must be 16 bytes, span_id 8, parent_span_id 8 or empty"};
    }
    if (span.end_time_unix_nano() < span.start_time_unix_nano()) {
        return Rejection{"invalid_duration", "end_time_unix_nano is before start_time_unix_nano"};
    }
    if (span.name().size() > limits.max_metric_name_bytes ||
        span.status().message().size() > limits.max_attribute_value_bytes) {
        return Rejection{"field_too_long", "span name or status message too long"};
    }
    return checkTimestamp(span.start_time_unix_nano(), limits, now_nanos);
}

void encodeSpan(RowAppender& row, std::string_view tenant_id, std::string_view service_id,
                const pbt::Span& span, const std::vector<Attribute>& attributes,
                uint32_t received_at) {
    const uint64_t start = span.start_time_unix_nano();
    row.string(tenant_id);
    row.string(toHex(span.trace_id()));
    row.string(toHex(span.span_id()));
    row.string(toHex(span.parent_span_id()));
    row.string(service_id);
    row.string(span.name());
    row.string(kindName(span.kind()));
    row.uint32(static_cast<uint32_t>(start / kNanosPerSecond));
    row.uint32(static_cast<uint32_t>(start % kNanosPerSecond));
    row.uint64(span.end_time_unix_nano() - start);
    row.string(statusName(span.status().code()));
    row.string(span.status().message());
    row.attributes(attributes);
    row.uint32(received_at);
}

}  // namespace

std::optional<Rejection> checkTimestamp(uint64_t unix_nanos, const ingest::IngestLimits& limits,
                                        int64_t now_nanos) {
    const auto max_age = std::chrono::duration_cast<std::chrono::nanoseconds>(limits.max_age);
    const auto max_future = std::chrono::duration_cast<std::chrono::nanoseconds>(limits.max_future);
    if (unix_nanos > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ||
        static_cast<int64_t>(unix_nanos) > now_nanos + max_future.count()) {
        return Rejection{"timestamp_in_future", "timestamp is too far in the future"};
    }
    if (static_cast<int64_t>(unix_nanos) < now_nanos - max_age.count()) {
        return Rejection{"timestamp_too_old", "timestamp is older than the ingestion window"};
    }
    return std::nullopt;
}

EncodedItems SpanDecoder::decode(
    const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request,
    std::string_view tenant_id) const {
    std::size_t total = 0;
    for (const auto& resource_spans : request.resource_spans()) {
        for (const auto& scope_spans : resource_spans.scope_spans()) {
            total += static_cast<std::size_t>(scope_spans.spans_size());
        }
    }
    if (total > limits_.max_batch_records) {
        throw ApiError(413, "too_many_records",
                       std::to_string(total) + " spans; at most " +
                           std::to_string(limits_.max_batch_records) + " per request");
    }
    EncodedItems out;
    RowAppender row(out.rows);
    const auto received_at =
        static_cast<uint32_t>(now_nanos_ / static_cast<int64_t>(kNanosPerSecond));
    for (const auto& resource_spans : request.resource_spans()) {
        for (const auto& scope_spans : resource_spans.scope_spans()) {
            const auto context =
                resourceContext(resource_spans.resource(), scope_spans.scope().name(),
                                scope_spans.scope().version());
            for (const auto& span : scope_spans.spans()) {
                AttributeSet set;
                set.setAll(context.attributes);
                set.setAll(span.attributes());
                const auto& attributes = set.finish();
                auto problem = checkSpan(span, limits_, now_nanos_);
                if (!problem) {
                    problem = checkServiceAndAttributes(context.service_id, attributes, limits_);
                }
                if (problem) {
                    out.rejected.add(*problem);
                    continue;
                }
                encodeSpan(row, tenant_id, context.service_id, span, attributes, received_at);
                ++out.count;
            }
        }
    }
    return out;
}

}  // namespace infrasage::otlp
