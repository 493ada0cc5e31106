// libFuzzer target for ingest/RecordParser, the first code to read untrusted request bodies.
// Every input goes through parseSingle and parseBatch. ApiError is the only allowed exception;
// anything else (another exception, a sanitizer report, a broken invariant) is a bug. It is also
// a differential test: the body is rejected as invalid_json/invalid_utf8 exactly when
// nlohmann::json, an independent validator, rejects it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "common/ApiError.h"
#include "common/Clock.h"
#include "ingest/JsonValidation.h"
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

bool isSyntaxError(const ApiError& e) {
    return e.code() == "invalid_json" || e.code() == "invalid_utf8";
}

// Nesting past kMaxJsonDepth is invalid for us but valid for nlohmann; skip the comparison for
// inputs that might nest that deep (counting brackets inside strings too is conservative).
bool mayNestTooDeep(std::string_view body) {
    std::size_t open = 0;
    for (const char c : body) {
        open += (c == '[' || c == '{') ? 1 : 0;
    }
    return open >= infrasage::ingest::kMaxJsonDepth;
}

// nlohmann's verdict on the body. It also rejects numbers outside double's range ("number
// overflow"), which are valid JSON (the parser answers invalid_value for them): no verdict then.
enum class Reference { Valid, Invalid, Unknown };

class ReferenceSax : public nlohmann::json_sax<nlohmann::json> {
  public:
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return true; }
    bool key(string_t&) override { return true; }
    bool end_object() override { return true; }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t, const std::string&, const nlohmann::json::exception& e) override {
        overflow = std::string_view(e.what()).find("number overflow") != std::string_view::npos;
        return false;
    }
    bool overflow = false;
};

Reference referenceVerdict(std::string_view body) {
    if (mayNestTooDeep(body)) {
        return Reference::Unknown;
    }
    // nlohmann stops at a NUL byte as if the input ended there. A raw NUL is never valid JSON
    // (not whitespace outside strings, an unescaped control character inside them).
    if (body.find('\0') != std::string_view::npos) {
        return Reference::Invalid;
    }
    ReferenceSax sax;
    if (nlohmann::json::sax_parse(body, &sax)) {
        return Reference::Valid;
    }
    return sax.overflow ? Reference::Unknown : Reference::Invalid;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    static const ManualClock clock(kNowNanos);
    static RecordParser parser(IngestLimits{}, clock);
    static ParseResult reused;
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    const Reference reference = referenceVerdict(body);
    const bool compare = reference != Reference::Unknown;
    const bool valid_json = reference == Reference::Valid;

    try {
        const ParseResult result = parser.parseSingle(body, "fuzz-tenant");
        require(result.accepted == 1 && result.failures.empty());
        checkInvariants(result);
        require(!compare || valid_json);
    } catch (const ApiError& e) {
        require(!e.code().empty() && e.httpStatus() >= 400);
        require(!compare || isSyntaxError(e) == !valid_json);
    }

    try {
        parser.parseBatch(body, "fuzz-tenant", reused);
        require(reused.accepted + reused.failures.size() > 0);
        checkInvariants(reused);
        require(!compare || valid_json);
    } catch (const ApiError& e) {
        require(!e.code().empty() && e.httpStatus() >= 400);
        require(reused.accepted == 0 && reused.encoded.total() == 0);
        require(!compare || isSyntaxError(e) == !valid_json);
    }
    return 0;
}
