// otlp/OtlpEncoding: the two OTLP/HTTP body encodings and how a Content-Type names them.
#pragma once

#include <optional>
#include <string_view>

namespace infrasage::otlp {

enum class Encoding {
    Protobuf,  // application/x-protobuf
    Json,      // application/json (OTLP/JSON: ids as hex, enums as numbers or names)
};

// The encoding a Content-Type header names (parameters such as `; charset=utf-8` ignored, media
// type compared case-insensitively); nullopt for anything else.
std::optional<Encoding> encodingForContentType(std::string_view content_type);

std::string_view contentTypeOf(Encoding encoding);

}  // namespace infrasage::otlp
