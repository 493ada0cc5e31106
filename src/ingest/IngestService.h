// ingest/IngestService: the ingestion use case behind every ingestion endpoint — parse and validate
// the body for the caller's tenant, make the accepted rows durable in the write-ahead log, count
// them, and answer. It also bounds concurrent ingestion so that a flood of large batches cannot
// starve health checks and reads of CPU and workers (503 overloaded, Retry-After; shared with the
// other ingestion paths through ingest/IngestAdmission).
// Depends on: ingest/RecordParser, ingest/IngestAdmission, wal/WriteAheadLog, observability.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "common/Clock.h"
#include "ingest/IngestAdmission.h"
#include "ingest/IngestLimits.h"
#include "ingest/RecordParser.h"
#include "observability/Metrics.h"
#include "wal/WriteAheadLog.h"

namespace infrasage::ingest {

struct IngestOutcome {
    std::size_t queued = 0;
    std::vector<RecordFailure> failures{};
};

class IngestService {
  public:
    IngestService(wal::WriteAheadLog& wal, IngestLimits limits, const Clock& clock,
                  observability::Metrics& metrics, unsigned max_inflight);
    ~IngestService();

    // One record. Throws ApiError (4xx for bad input, 503 when the WAL is full or overloaded).
    IngestOutcome ingestOne(std::string_view body, std::string_view tenant_id);
    // A JSON array. Valid records are made durable even when others fail (partial success).
    IngestOutcome ingestBatch(std::string_view body, std::string_view tenant_id);

    const IngestLimits& limits() const { return limits_; }

  private:
    class ParserLease;
    using ParseFn = ParseResult (RecordParser::*)(std::string_view, std::string_view);
    IngestOutcome ingest(ParseFn parse, std::string_view body, std::string_view tenant_id);
    IngestOutcome persist(ParseResult&& parsed);

    wal::WriteAheadLog& wal_;
    IngestLimits limits_;
    const Clock& clock_;
    observability::Metrics& metrics_;
    InflightGate gate_;  // the overload bound (ingest/IngestAdmission)
    std::mutex pool_mutex_;
    std::vector<std::unique_ptr<RecordParser>>
        parser_pool_;  // simdjson parsers are costly to build
};

}  // namespace infrasage::ingest
