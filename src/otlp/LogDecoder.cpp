#include "otlp/LogDecoder.h"

#include "common/ApiError.h"
#include "common/Hex.h"
#include "otlp/AnyValueText.h"
#include "otlp/AttributeSet.h"
#include "otlp/RowAppender.h"
#include "otlp/SpanDecoder.h"

namespace infrasage::otlp {

namespace {

namespace pbl = opentelemetry::proto::logs::v1;

constexpr uint64_t kNanosPerSecond = 1'000'000'000U;
constexpr int kMaxSeverityNumber = 24;  // SEVERITY_NUMBER_FATAL4

uint64_t recordTime(const pbl::LogRecord& record, int64_t now_nanos) {
    if (record.time_unix_nano() != 0) {
        return record.time_unix_nano();
    }
    if (record.observed_time_unix_nano() != 0) {
        return record.observed_time_unix_nano();
    }
    return static_cast<uint64_t>(now_nanos);
}

std::optional<Rejection> checkRecord(const pbl::LogRecord& record, const std::string& body,
                                     const ingest::IngestLimits& limits, uint64_t time,
                                     int64_t now_nanos) {
    if ((!record.trace_id().empty() && record.trace_id().size() != 16) ||
        (!record.span_id().empty() && record.span_id().size() != 8)) {
        return Rejection{"invalid_id", "trace_id must be 16 bytes or empty, span_id 8 or empty"};
    }
    if (record.severity_number() < 0 || record.severity_number() > kMaxSeverityNumber) {
        return Rejection{"invalid_severity", "severity_number must be 0-24"};
    }
    if (record.severity_text().size() > limits.max_attribute_key_bytes ||
        body.size() > limits.max_body_bytes) {
        return Rejection{"field_too_long", "severity_text or body too long"};
    }
    return checkTimestamp(time, limits, now_nanos);
}

}  // namespace

EncodedItems LogDecoder::decode(
    const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& request,
    std::string_view tenant_id) const {
    std::size_t total = 0;
    for (const auto& resource_logs : request.resource_logs()) {
        for (const auto& scope_logs : resource_logs.scope_logs()) {
            total += static_cast<std::size_t>(scope_logs.log_records_size());
        }
    }
    if (total > limits_.max_batch_records) {
        throw ApiError(413, "too_many_records",
                       std::to_string(total) + " log records; at most " +
                           std::to_string(limits_.max_batch_records) + " per request");
    }
    EncodedItems out;
    RowAppender row(out.rows);
    const auto received_at =
        static_cast<uint32_t>(now_nanos_ / static_cast<int64_t>(kNanosPerSecond));
    for (const auto& resource_logs : request.resource_logs()) {
        for (const auto& scope_logs : resource_logs.scope_logs()) {
            const auto context = resourceContext(
                resource_logs.resource(), scope_logs.scope().name(), scope_logs.scope().version());
            for (const auto& record : scope_logs.log_records()) {
                AttributeSet set;
                set.setAll(context.attributes);
                if (!record.span_id().empty()) {
                    set.set("span_id", toHex(record.span_id()));  // the record's own key wins
                }
                set.setAll(record.attributes());
                const auto& attributes = set.finish();
                const std::string body = anyValueText(record.body());
                const uint64_t time = recordTime(record, now_nanos_);
                auto problem = checkRecord(record, body, limits_, time, now_nanos_);
                if (!problem) {
                    problem = checkServiceAndAttributes(context.service_id, attributes, limits_);
                }
                if (problem) {
                    out.rejected.add(*problem);
                    continue;
                }
                row.string(tenant_id);
                row.string(context.service_id);
                row.uint32(static_cast<uint32_t>(time / kNanosPerSecond));
                row.uint32(static_cast<uint32_t>(time % kNanosPerSecond));
                row.string(body);
                row.string(toHex(record.trace_id()));
                row.attributes(attributes);
                row.uint32(received_at);
                row.string(record.severity_text());
                row.uint8(static_cast<uint8_t>(record.severity_number()));
                ++out.count;
            }
        }
    }
    return out;
}

}  // namespace infrasage::otlp
