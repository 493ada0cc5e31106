// ingest/JsonValidation: the whole-body JSON checks the record parser needs beyond what it reads.
// simdjson On-Demand only validates what is visited, so values the parser does not use (unknown
// fields, rejected records) are walked here: a syntax error anywhere rejects the whole body. Also
// maps simdjson errors to the API's stable codes and bounds nesting depth.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <string_view>

namespace infrasage::ingest {

// Deepest nesting accepted (root = 1). Below simdjson's own limit so its iterator never exceeds it.
inline constexpr std::size_t kMaxJsonDepth = simdjson::DEFAULT_MAX_DEPTH - 24;

// Throws ApiError 400: `invalid_utf8` for UTF-8 errors, `invalid_json` for everything else.
[[noreturn]] void throwJsonError(simdjson::error_code error);
[[noreturn]] void throwInvalidJson(std::string_view why);

// True if `token` (optionally followed by whitespace) is a JSON number per RFC 8259 grammar,
// whatever its magnitude.
bool isJsonNumberToken(std::string_view token) noexcept;

// Visits `value` completely (every string unescaped, every atom and number checked) and consumes
// it. Throws as throwJsonError on any syntax error or when nesting exceeds kMaxJsonDepth.
void validateValue(simdjson::ondemand::value& value, std::size_t depth);

// Validates a whole document whose root has not been consumed yet, including that nothing but
// whitespace follows the root value. `text` is the padded buffer the document was parsed from.
void validateDocument(simdjson::ondemand::document& doc, std::string_view text);

// Throws invalid_json when anything but whitespace follows the (fully consumed) root container.
void checkNoTrailingContent(simdjson::ondemand::document& doc);

}  // namespace infrasage::ingest
