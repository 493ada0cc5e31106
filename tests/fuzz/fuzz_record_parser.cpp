// libFuzzer target for ingest/RecordParser, the first code to read untrusted request bodies.
// Every input goes through parseSingle and parseBatch. ApiError is the only allowed exception;
// anything else (another exception, a sanitizer report, a broken invariant) is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/ApiError.h"
#include "common/Clock.h"
#include "ingest/RecordParser.h"
#include "unit/ingest/RowBinaryReader.h"

namespace {

using infrasage::ApiError;
using infrasage::ManualClock;
using infrasage::ingest::IngestLimits;
using infrasage::ingest::ParseResult;
using infrasage::ingest::RecordParser;
using infrasage::storage::kTelemetryTypeCount;
using infrasage::storage::TelemetryType;

constexpr int64_t kNowNanos = int64_t{1714564800} * 1'000'000'000;  // 2024-05-01T12:00:00Z

void require(bool condition) {
    if (!condition) {
        std::abort();
    }
}

// The encoded rows must decode into exactly `counts` whole rows per table.
void checkInvariants(const ParseResult& result) {
    require(result.encoded.total() == result.accepted);
    for (std::size_t t = 0; t < kTelemetryTypeCount; ++t) {
        const auto rows = infrasage::ingest::testing::decodeRows(result.encoded.rows[t],
                                                                 static_cast<TelemetryType>(t));
        require(rows.size() == result.encoded.counts[t]);
        for (const auto& row : rows) {
            require(row.tenant_id == "fuzz-tenant");
            require(!row.service_id.empty());
            require(row.attr_keys.size() == row.attr_values.size());
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    static const ManualClock clock(kNowNanos);
    static RecordParser parser(IngestLimits{}, clock);
    static ParseResult reused;
    const std::string_view body(reinterpret_cast<const char*>(data), size);

    try {
        const ParseResult result = parser.parseSingle(body, "fuzz-tenant");
        require(result.accepted == 1 && result.failures.empty());
        checkInvariants(result);
    } catch (const ApiError& e) {
        require(!e.code().empty() && e.httpStatus() >= 400);
    }

    try {
        parser.parseBatch(body, "fuzz-tenant", reused);
        require(reused.accepted + reused.failures.size() > 0);
        checkInvariants(reused);
    } catch (const ApiError& e) {
        require(!e.code().empty() && e.httpStatus() >= 400);
        require(reused.accepted == 0 && reused.encoded.total() == 0);
    }
    return 0;
}
