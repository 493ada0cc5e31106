#include "otlp/OtlpIngestService.h"

#include <array>

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "otlp/LogDecoder.h"
#include "otlp/MetricsDecoder.h"
#include "otlp/OtlpBodyParser.h"
#include "otlp/SpanDecoder.h"
#include "storage/SampleTables.h"
#include "storage/Streams.h"

namespace infrasage::otlp {

namespace {

namespace collector = opentelemetry::proto::collector;

ExportOutcome outcomeOf(uint64_t accepted, const Rejections& rejected) {
    return ExportOutcome{accepted, rejected.total(), rejected.firstMessage()};
}

}  // namespace

OtlpIngestService::OtlpIngestService(wal::WriteAheadLog& wal, ingest::SampleIngestService& samples,
                                     ingest::IngestLimits limits, const Clock& clock,
                                     observability::Metrics& metrics, unsigned max_inflight)
    : wal_(wal),
      samples_(samples),
      limits_(limits),
      clock_(clock),
      metrics_(metrics),
      gate_(max_inflight) {}

void OtlpIngestService::countRejections(const Rejections& rejected) {
    for (const auto& [code, items] : rejected.byCode()) {
        metrics_.addRecordsRejected(code, static_cast<double>(items));
    }
}

ExportOutcome OtlpIngestService::exportMetrics(std::string_view body, Encoding encoding,
                                               std::string_view tenant_id) {
    ingest::InflightGate::Slot slot(gate_);
    collector::metrics::v1::ExportMetricsServiceRequest request;
    parseOtlpBody(body, encoding, request);
    const MetricsDecoder decoder(samples_.limits().max_series_per_request);
    const DecodedMetrics decoded = decoder.decode(request);
    countRejections(decoded.rejected);

    ExportOutcome outcome = outcomeOf(0, decoded.rejected);
    if (decoded.series.empty()) {
        return outcome;
    }
    const auto stored =
        samples_.ingest(tenant_id, decoded.series, ingest::InvalidSeries::DropSeries);
    outcome.accepted = stored.accepted_samples;
    outcome.rejected += stored.rejected_samples;
    if (outcome.error_message.empty()) {
        outcome.error_message = stored.first_error;
    }
    return outcome;
}

// Traces and logs take the same path: parse, decode into rows of one WAL stream, make them
// durable in one append, count them.
template <typename Request, typename Decoder>
ExportOutcome OtlpIngestService::exportRows(std::string_view body, Encoding encoding,
                                            std::string_view tenant_id, storage::StreamId stream,
                                            const std::string& type) {
    ingest::InflightGate::Slot slot(gate_);
    Request request;
    parseOtlpBody(body, encoding, request);
    const Decoder decoder(limits_, clock_.nowNanos());
    EncodedItems items = decoder.decode(request, tenant_id);
    countRejections(items.rejected);
    const uint32_t count = items.count;
    if (count > 0) {
        const std::array frames{wal::WalFrame{stream, count, std::move(items.rows)}};
        ingest::appendDurably(wal_, frames, metrics_, count);
        metrics_.addRecordsAccepted(type, count);
    }
    return outcomeOf(count, items.rejected);
}

ExportOutcome OtlpIngestService::exportTraces(std::string_view body, Encoding encoding,
                                              std::string_view tenant_id) {
    return exportRows<collector::trace::v1::ExportTraceServiceRequest, SpanDecoder>(
        body, encoding, tenant_id, storage::kSpansStream, "span");
}

ExportOutcome OtlpIngestService::exportLogs(std::string_view body, Encoding encoding,
                                            std::string_view tenant_id) {
    return exportRows<collector::logs::v1::ExportLogsServiceRequest, LogDecoder>(
        body, encoding, tenant_id, storage::kOtlpLogsStream, "log");
}

}  // namespace infrasage::otlp
