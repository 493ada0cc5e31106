#include "audit/PageToken.h"

#include "audit/AuditRowCodec.h"
#include "common/ApiError.h"
#include "common/CursorToken.h"

namespace infrasage::audit {

namespace {

constexpr std::string_view kVersion = "2";   // 1 was base64url-encoded
constexpr std::size_t kMaxTokenChars = 160;  // a real token is about 100
constexpr std::size_t kEventIdChars = 32;

ApiError invalid() {
    return ApiError(400, "invalid_page_token", "page_token is not a token this server issued");
}

bool isLowerHex(std::string_view s) {
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::string PageToken::encode(const PageCursor& cursor) {
    return encodeCursorToken(kVersion, cursor.timestamp_ms, cursor.event_id);
}

PageCursor PageToken::decode(std::string_view token) {
    const auto fields = decodeCursorToken(kVersion, token, kMaxTokenChars);
    if (!fields || fields->position > AuditRowCodec::kMaxTimestampMs ||
        fields->id.size() != kEventIdChars || !isLowerHex(fields->id)) {
        throw invalid();
    }
    return PageCursor{fields->position, fields->id};
}

}  // namespace infrasage::audit
