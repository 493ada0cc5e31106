// audit/PageToken: the opaque cursor of GET /api/v1/audit pages. It names the last entry of a page
// (timestamp_ms, event_id); the next page starts strictly after it in newest-first order. Encoded
// by common/CursorToken; decoding validates every part, since the token comes back from the
// client.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace infrasage::audit {

struct PageCursor {
    int64_t timestamp_ms = 0;
    std::string event_id;  // 32 lowercase hex characters
    bool operator==(const PageCursor&) const = default;
};

class PageToken {
  public:
    static std::string encode(const PageCursor& cursor);
    // Throws ApiError 400 `invalid_page_token` for anything encode() did not produce.
    static PageCursor decode(std::string_view token);
};

}  // namespace infrasage::audit
