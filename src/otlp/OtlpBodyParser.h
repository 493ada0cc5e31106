// otlp/OtlpBodyParser: an OTLP/HTTP request body (already decompressed: the HTTP pipeline inflates
// `Content-Encoding: gzip` under the body size limit) into the generated protobuf message.
//
// Protobuf: the generated classes' parser (proto3 `string` fields are checked for UTF-8 there).
// JSON: OTLP/JSON is protobuf's JSON mapping except that trace_id, span_id and parent_span_id are
// hex, not base64. The body is checked for UTF-8 (simdjson), parsed with nlohmann-json at bounded
// depth, every member named traceId/spanId/parentSpanId (or trace_id, span_id, parent_span_id)
// holding a string is rewritten from hex to base64, and the result goes through
// google::protobuf::util::JsonStringToMessage (unknown fields ignored, as OTLP receivers must).
//
// Throws ApiError 400, nothing decoded: invalid_protobuf, invalid_utf8, invalid_json, invalid_id
// (an id that is not hex). Reads network input: fuzzed by tests/fuzz/fuzz_otlp_protobuf.cpp and
// tests/fuzz/fuzz_otlp_json.cpp.
#pragma once

#include <google/protobuf/message.h>

#include <cstddef>
#include <string_view>

#include "otlp/OtlpEncoding.h"

namespace infrasage::otlp {

// Deepest JSON nesting accepted (an AnyValue nests three levels per kvlist; protobuf's own parse
// recursion limit is 100).
inline constexpr std::size_t kMaxOtlpJsonDepth = 64;

void parseOtlpBody(std::string_view body, Encoding encoding, google::protobuf::Message& out);

}  // namespace infrasage::otlp
