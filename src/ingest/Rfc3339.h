// ingest/Rfc3339: parses the RFC 3339 timestamps that clients send in the `timestamp` field.
// Hand-written on purpose: no Debian-packaged library parses RFC 3339 strictly (with range checks
// and nanosecond fractions) without locale or iostream overhead, and this runs once per record.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace infrasage::ingest {

// Accepts exactly `YYYY-MM-DDTHH:MM:SS[.F{1,9}](Z|+HH:MM|-HH:MM)` ('t' and 'z' may be lowercase).
// Validates every range (month lengths, leap years, hour <= 23, minute/second <= 59; leap
// seconds are rejected). Returns nanoseconds since the Unix epoch, or nullopt when the text is
// not such a timestamp or the instant does not fit ClickHouse's DateTime (0 .. 2^32-1 seconds).
std::optional<int64_t> parseRfc3339Nanos(std::string_view text) noexcept;

}  // namespace infrasage::ingest
