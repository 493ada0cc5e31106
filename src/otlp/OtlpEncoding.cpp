#include "otlp/OtlpEncoding.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace infrasage::otlp {

std::optional<Encoding> encodingForContentType(std::string_view content_type) {
    const auto semicolon = content_type.find(';');
    std::string media(content_type.substr(0, semicolon));
    std::transform(media.begin(), media.end(), media.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto first = media.find_first_not_of(" \t");
    const auto last = media.find_last_not_of(" \t");
    if (first == std::string::npos) {
        return std::nullopt;
    }
    media = media.substr(first, last - first + 1);
    if (media == "application/x-protobuf") {
        return Encoding::Protobuf;
    }
    if (media == "application/json") {
        return Encoding::Json;
    }
    return std::nullopt;
}

std::string_view contentTypeOf(Encoding encoding) {
    return encoding == Encoding::Protobuf ? "application/x-protobuf" : "application/json";
}

}  // namespace infrasage::otlp
