// storage/AnomalyPageToken: the opaque cursor of GET /api/v1/anomalies pages. It names the last
// anomaly of a page (detected_at, anomaly_id); the next page starts strictly after it in the
// list's newest-first order, so anomalies detected meanwhile (newer) and status changes (same key)
// neither shift nor repeat pages. Encoded by common/CursorToken; decoding validates every part,
// since the token comes back from the client.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace infrasage::storage {

struct AnomalyCursor {
    int64_t detected_at = 0;  // unix seconds
    std::string anomaly_id;
    bool operator==(const AnomalyCursor&) const = default;
};

class AnomalyPageToken {
  public:
    static std::string encode(const AnomalyCursor& cursor);
    // Throws ApiError 400 `invalid_page_token` for anything encode() did not produce.
    static AnomalyCursor decode(std::string_view token);
};

}  // namespace infrasage::storage
