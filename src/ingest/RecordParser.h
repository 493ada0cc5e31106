// ingest/RecordParser: turns the JSON body of /api/v1/telemetry and /api/v1/telemetry/batch into
// validated rows, encoded as ClickHouse RowBinary per telemetry table (see
// storage/TelemetryTables.h for the column order). Uses simdjson (On-Demand), which validates
// UTF-8; ingest/JsonValidation walks what the parser does not read, so any syntax error rejects
// the body, and bounds nesting depth. Reads network input: fuzzed by tests/fuzz/fuzz_record_parser.
//
// Whole-body problems throw ApiError and nothing is accepted: invalid_json (400; also trailing
// content and nesting deeper than kMaxJsonDepth), invalid_utf8 (400), invalid_batch (400, batch
// body not an array), empty_batch (400), too_many_records (413), invalid_record (400, single body
// not an object). Per-record problems in a batch become RecordFailure entries and the other
// records are accepted (partial success); a single invalid record throws ApiError 400 with the
// same code: invalid_record (element not an object), unknown_field, duplicate_field (also a
// repeated attribute key), invalid_field_type, invalid_field_value (control characters in
// service_id/metric_name, empty attribute key), missing_service_id, invalid_type,
// missing_metric_name, missing_value, invalid_value, missing_body, invalid_timestamp,
// timestamp_too_old, timestamp_in_future, field_too_long, too_many_attributes,
// attribute_too_long. Null for an optional field means absent; empty required strings are
// missing. Known fields that the record's type has no column for are validated, then ignored.
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
        for (auto c : counts) {
            n += c;
        }
        return n;
    }
    // Empties every table but keeps the buffers' capacity for reuse.
    void clear() {
        for (auto& r : rows) {
            r.clear();
        }
        counts.fill(0);
    }
};

struct ParseResult {
    EncodedRows encoded;
    std::size_t accepted = 0;
    std::vector<RecordFailure> failures{};
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
