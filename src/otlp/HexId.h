// otlp/HexId: trace and span ids between their three forms — raw bytes (OTLP protobuf), lowercase
// hex (OTLP/JSON and the spans table) and base64 (what protobuf's JSON mapping expects for bytes).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace infrasage::otlp {

// Lowercase hex of `bytes` (empty for empty).
std::string hexId(std::string_view bytes);

// The bytes `hex` spells (either case); nullopt for an odd length or a non-hex character.
std::optional<std::string> bytesFromHex(std::string_view hex);

// Standard base64 with padding.
std::string base64(std::string_view bytes);

}  // namespace infrasage::otlp
