#include "storage/AnomalyPageToken.h"

#include <charconv>
#include <limits>

#include "common/ApiError.h"

namespace infrasage::storage {

namespace {

constexpr std::string_view kVersion = "a1";
constexpr std::size_t kMaxIdChars = 64;
constexpr std::size_t kMaxTokenChars = 2 * (kVersion.size() + 12 + kMaxIdChars);
constexpr std::string_view kHexDigits = "0123456789abcdef";

ApiError invalid() {
    return ApiError(400, "invalid_page_token", "page_token is not a token this server issued");
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

// Anomaly ids are `anom-` + hex; anything outside this alphabet was not issued by us.
bool isIdChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

}  // namespace

std::string AnomalyPageToken::encode(const AnomalyCursor& cursor) {
    const std::string plain =
        std::string(kVersion) + "." + std::to_string(cursor.detected_at) + "." + cursor.anomaly_id;
    std::string out;
    out.reserve(plain.size() * 2);
    for (char c : plain) {
        const auto byte = static_cast<uint8_t>(c);
        out.push_back(kHexDigits[byte >> 4U]);
        out.push_back(kHexDigits[byte & 0x0fU]);
    }
    return out;
}

AnomalyCursor AnomalyPageToken::decode(std::string_view token) {
    if (token.empty() || token.size() > kMaxTokenChars || token.size() % 2 != 0) {
        throw invalid();
    }
    std::string plain;
    plain.reserve(token.size() / 2);
    for (std::size_t i = 0; i < token.size(); i += 2) {
        const int high = hexValue(token[i]);
        const int low = hexValue(token[i + 1]);
        if (high < 0 || low < 0) {
            throw invalid();
        }
        plain.push_back(static_cast<char>(high * 16 + low));
    }
    const std::string_view text = plain;
    const auto first = text.find('.');
    const auto second = first == std::string_view::npos ? first : text.find('.', first + 1);
    if (second == std::string_view::npos || text.substr(0, first) != kVersion) {
        throw invalid();
    }
    const std::string_view seconds = text.substr(first + 1, second - first - 1);
    AnomalyCursor cursor;
    const auto parsed =
        std::from_chars(seconds.data(), seconds.data() + seconds.size(), cursor.detected_at);
    if (seconds.empty() || parsed.ec != std::errc() ||
        parsed.ptr != seconds.data() + seconds.size() || cursor.detected_at < 0 ||
        cursor.detected_at > std::numeric_limits<uint32_t>::max()) {
        throw invalid();
    }
    const std::string_view id = text.substr(second + 1);
    if (id.empty() || id.size() > kMaxIdChars) {
        throw invalid();
    }
    for (char c : id) {
        if (!isIdChar(c)) {
            throw invalid();
        }
    }
    cursor.anomaly_id = std::string(id);
    return cursor;
}

}  // namespace infrasage::storage
