// otlp/OtlpIngestService: the use case behind POST /v1/metrics, /v1/traces and /v1/logs — parse
// the body (otlp/OtlpBodyParser), decode it for the caller's tenant, make what is accepted durable
// and count it. Metrics go through ingest::SampleIngestService (the same validation, fingerprint,
// series/samples streams and metering as Prometheus remote write; invalid series are dropped and
// reported, InvalidSeries::DropSeries). Spans and log records are encoded here and appended to the
// write-ahead log in one group commit per request (streams storage::kSpansStream and
// storage::kOtlpLogsStream), with the overload behaviour of every ingestion path
// (ingest/IngestAdmission: 503 overloaded, 503 ingestion_backlog_full, Retry-After).
//
// Whole-request problems throw ApiError and nothing is written: 400 (invalid_protobuf,
// invalid_json, invalid_utf8, invalid_id), 413 (too_many_records, too_many_series), 503. Item
// problems are counted in the outcome and the other items are written (OTLP partial success).
// Depends on: otlp decoders, ingest (SampleIngestService, IngestAdmission, IngestLimits), wal,
// storage (stream ids), observability, common.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/Clock.h"
#include "ingest/IngestAdmission.h"
#include "ingest/IngestLimits.h"
#include "ingest/SampleIngestService.h"
#include "observability/Metrics.h"
#include "otlp/OtlpEncoding.h"
#include "otlp/Rejections.h"
#include "storage/RowSink.h"
#include "wal/WriteAheadLog.h"

namespace infrasage::otlp {

struct ExportOutcome {
    // Items made durable: samples for metrics (a histogram point is several), spans, log records.
    uint64_t accepted = 0;
    // Items refused: data points the decoder refused plus samples the sample path dropped;
    // spans; log records. OTLP's partial_success reports this number.
    uint64_t rejected = 0;
    std::string error_message;  // the first refusal, "code: message"; empty when none
};

class OtlpIngestService {
  public:
    OtlpIngestService(wal::WriteAheadLog& wal, ingest::SampleIngestService& samples,
                      ingest::IngestLimits limits, const Clock& clock,
                      observability::Metrics& metrics, unsigned max_inflight);

    ExportOutcome exportMetrics(std::string_view body, Encoding encoding,
                                std::string_view tenant_id);
    ExportOutcome exportTraces(std::string_view body, Encoding encoding,
                               std::string_view tenant_id);
    ExportOutcome exportLogs(std::string_view body, Encoding encoding, std::string_view tenant_id);

  private:
    template <typename Request, typename Decoder>
    ExportOutcome exportRows(std::string_view body, Encoding encoding, std::string_view tenant_id,
                             storage::StreamId stream, const std::string& type);
    void countRejections(const Rejections& rejected);

    wal::WriteAheadLog& wal_;
    ingest::SampleIngestService& samples_;
    ingest::IngestLimits limits_;
    const Clock& clock_;
    observability::Metrics& metrics_;
    ingest::InflightGate gate_;
};

}  // namespace infrasage::otlp
