// watchdog/SeriesKey: the identity of one series the Watchdog tracks — (tenant_id, service_id,
// metric_name). The tenant is part of the key, so two tenants' series never share detector state.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace infrasage::watchdog {

struct SeriesKey {
    std::string tenant_id;
    std::string service_id;
    std::string metric_name;

    bool operator==(const SeriesKey&) const = default;
    auto operator<=>(const SeriesKey&) const = default;
};

// In-memory hash for the state table (not persisted, so std::hash's per-build value is fine).
struct SeriesKeyHash {
    size_t operator()(const SeriesKey& key) const noexcept {
        size_t h = std::hash<std::string_view>{}(key.tenant_id);
        h = combine(h, std::hash<std::string_view>{}(key.service_id));
        return combine(h, std::hash<std::string_view>{}(key.metric_name));
    }

  private:
    static size_t combine(size_t seed, size_t value) {
        return seed ^ (value + 0x9e3779b97f4a7c15ULL + (seed << 6U) + (seed >> 2U));
    }
};

}  // namespace infrasage::watchdog
