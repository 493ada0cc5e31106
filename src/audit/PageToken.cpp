#include "audit/PageToken.h"

#include <openssl/evp.h>

#include <charconv>
#include <vector>

#include "audit/AuditRowCodec.h"
#include "common/ApiError.h"

namespace infrasage::audit {

namespace {

constexpr std::string_view kVersion = "1";
constexpr std::size_t kMaxTokenChars = 128;  // a real token is about 70
constexpr std::size_t kEventIdChars = 32;

ApiError invalid() {
    return ApiError(400, "invalid_page_token", "page_token is not a token this server issued");
}

std::string base64UrlEncode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    const int written =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),          // NOLINT
                        reinterpret_cast<const unsigned char*>(bytes.data()),  // NOLINT
                        static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(written));
    while (!out.empty() && out.back() == '=') {
        out.pop_back();
    }
    for (char& c : out) {
        c = c == '+' ? '-' : (c == '/' ? '_' : c);
    }
    return out;
}

std::string base64UrlDecode(std::string_view token) {
    std::string text(token);
    for (char& c : text) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) {
            throw invalid();
        }
        c = c == '-' ? '+' : (c == '_' ? '/' : c);
    }
    if (text.size() % 4 == 1) {
        throw invalid();
    }
    const std::size_t padding = (4 - text.size() % 4) % 4;
    text.append(padding, '=');
    std::string out(text.size() / 4 * 3, '\0');
    const int written =
        EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),         // NOLINT
                        reinterpret_cast<const unsigned char*>(text.data()),  // NOLINT
                        static_cast<int>(text.size()));
    if (written < 0) {
        throw invalid();
    }
    out.resize(static_cast<std::size_t>(written) - padding);
    return out;
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
    std::string plain(kVersion);
    plain += '.';
    plain += std::to_string(cursor.timestamp_ms);
    plain += '.';
    plain += cursor.event_id;
    return base64UrlEncode(plain);
}

PageCursor PageToken::decode(std::string_view token) {
    if (token.empty() || token.size() > kMaxTokenChars) {
        throw invalid();
    }
    const std::string plain = base64UrlDecode(token);
    const std::string_view text = plain;
    const auto first = text.find('.');
    const auto second = first == std::string_view::npos ? first : text.find('.', first + 1);
    if (second == std::string_view::npos || text.substr(0, first) != kVersion) {
        throw invalid();
    }
    const std::string_view millis = text.substr(first + 1, second - first - 1);
    PageCursor cursor;
    const auto parsed =
        std::from_chars(millis.data(), millis.data() + millis.size(), cursor.timestamp_ms);
    if (millis.empty() || parsed.ec != std::errc() || parsed.ptr != millis.data() + millis.size() ||
        cursor.timestamp_ms < 0 || cursor.timestamp_ms > AuditRowCodec::kMaxTimestampMs) {
        throw invalid();
    }
    cursor.event_id = std::string(text.substr(second + 1));
    if (cursor.event_id.size() != kEventIdChars || !isLowerHex(cursor.event_id)) {
        throw invalid();
    }
    return cursor;
}

}  // namespace infrasage::audit
