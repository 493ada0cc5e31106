// common/Hex: lowercase hexadecimal of bytes and back — the one codec behind page tokens, audit
// hashes, anomaly ids and OTLP trace/span ids.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace infrasage {

// Lowercase hex, two digits per byte (empty for no bytes).
std::string toHex(std::span<const unsigned char> bytes);
std::string toHex(std::string_view bytes);

enum class HexCase {
    Lower,  // only what toHex writes (tokens this server issued)
    Any,    // upper or lower case (ids from clients)
};

// The bytes `hex` spells; nullopt for an odd length or a character outside `accepted`.
std::optional<std::string> fromHex(std::string_view hex, HexCase accepted);

}  // namespace infrasage
