#include "storage/AnomalyPageToken.h"

#include <algorithm>
#include <limits>

#include "common/ApiError.h"
#include "common/CursorToken.h"

namespace infrasage::storage {

namespace {

constexpr std::string_view kVersion = "a1";
constexpr std::size_t kMaxIdChars = 64;
constexpr std::size_t kMaxTokenChars = 2 * (kVersion.size() + 12 + kMaxIdChars);

ApiError invalid() {
    return ApiError(400, "invalid_page_token", "page_token is not a token this server issued");
}

// Anomaly ids are `anom-` + hex; anything outside this alphabet was not issued by us.
bool isIdChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

}  // namespace

std::string AnomalyPageToken::encode(const AnomalyCursor& cursor) {
    return encodeCursorToken(kVersion, cursor.detected_at, cursor.anomaly_id);
}

AnomalyCursor AnomalyPageToken::decode(std::string_view token) {
    const auto fields = decodeCursorToken(kVersion, token, kMaxTokenChars);
    if (!fields || fields->position > std::numeric_limits<uint32_t>::max() || fields->id.empty() ||
        fields->id.size() > kMaxIdChars ||
        !std::all_of(fields->id.begin(), fields->id.end(), isIdChar)) {
        throw invalid();
    }
    return AnomalyCursor{fields->position, fields->id};
}

}  // namespace infrasage::storage
