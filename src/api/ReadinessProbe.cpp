#include "api/ReadinessProbe.h"

namespace infrasage::api {

Readiness ReadinessProbe::check() {
    Readiness r;
    {
        std::lock_guard lock(mutex_);
        auto now = std::chrono::steady_clock::now();
        if (now - checked_at_ >= cache_for_) {
            last_ping_ = clickhouse_.ping();
            checked_at_ = now;
        }
        r.clickhouse_reachable = last_ping_;
    }
    r.wal_below_cap = !wal_.full();
    return r;
}

}  // namespace infrasage::api
