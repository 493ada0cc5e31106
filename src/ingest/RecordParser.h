// ingest/RecordParser: turns the JSON body of /api/v1/telemetry and /api/v1/telemetry/batch into
// validated rows, encoded as ClickHouse RowBinary per telemetry table (see
// storage/TelemetryTables.h for the column order). Uses simdjson (On-Demand), which also validates
// UTF-8 and bounds nesting depth. Reads network input: fuzzed by tests/fuzz/fuzz_record_parser.
//
// Whole-body problems (malformed JSON, not an object/array, too many records) throw ApiError and
// nothing is accepted. Per-record problems in a batch become RecordFailure entries; the other
// records are accepted (partial success). A single record that is invalid throws ApiError.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/Clock.h"
#include "ingest/IngestLimits.h"
#include "storage/TelemetryTables.h"

namespace infrasage::ingest {

struct RecordFailure {
    std::size_t index = 0;
    std::string error;    // stable code, e.g. "timestamp_too_old"
    std::string message;  // human readable
};

// RowBinary rows per telemetry type (index = TelemetryType value).
struct EncodedRows {
    std::array<std::string, storage::kTelemetryTypeCount> rows;
    std::array<uint32_t, storage::kTelemetryTypeCount> counts{};
    std::size_t total() const {
        std::size_t n = 0;
        for (auto c : counts) n += c;
        return n;
    }
    // Empties every table but keeps the buffers' capacity for reuse.
    void clear() {
        for (auto& r : rows) r.clear();
        counts.fill(0);
    }
};

struct ParseResult {
    EncodedRows encoded;
    std::size_t accepted = 0;
    std::vector<RecordFailure> failures;
    void clear() {
        encoded.clear();
        accepted = 0;
        failures.clear();
    }
};

class RecordParser {
  public:
    RecordParser(IngestLimits limits, const Clock& clock);
    ~RecordParser();
    RecordParser(const RecordParser&) = delete;
    RecordParser& operator=(const RecordParser&) = delete;

    // Body is one JSON object. Throws ApiError (400) with the record's error code if invalid.
    ParseResult parseSingle(std::string_view body, std::string_view tenant_id);

    // Body is a JSON array of objects (at most max_batch_records, else ApiError 413
    // `too_many_records`; empty array: ApiError 400 `empty_batch`).
    ParseResult parseBatch(std::string_view body, std::string_view tenant_id);

    // The same two operations writing into `out` (cleared first, capacity kept): callers that
    // reuse one ParseResult per thread encode without allocating in the steady state. On ApiError
    // `out` holds no accepted rows.
    void parseSingle(std::string_view body, std::string_view tenant_id, ParseResult& out);
    void parseBatch(std::string_view body, std::string_view tenant_id, ParseResult& out);

    const IngestLimits& limits() const { return limits_; }

  private:
    class Impl;
    IngestLimits limits_;
    const Clock& clock_;
    std::unique_ptr<Impl> impl_;  // simdjson parser and scratch buffers; one per thread
};

}  // namespace infrasage::ingest
