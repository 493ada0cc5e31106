// otlp/HexId: the base64 form of trace and span ids (what protobuf's JSON mapping expects for
// bytes); between raw bytes and hex (OTLP/JSON and the spans table) common/Hex converts.
#pragma once

#include <string>
#include <string_view>

namespace infrasage::otlp {

// Standard base64 with padding.
std::string base64(std::string_view bytes);

}  // namespace infrasage::otlp
