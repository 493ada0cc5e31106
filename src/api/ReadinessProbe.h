// api/ReadinessProbe: decides /readyz — ClickHouse reachable and the WAL below its cap. The
// ClickHouse ping is cached briefly so that probes under load do not hammer ClickHouse.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>

#include "storage/ClickHouseClient.h"
#include "wal/WriteAheadLog.h"

namespace infrasage::api {

struct Readiness {
    bool clickhouse_reachable = false;
    bool wal_below_cap = false;
    bool ready() const { return clickhouse_reachable && wal_below_cap; }
};

class ReadinessProbe {
  public:
    ReadinessProbe(storage::ClickHouseClient& clickhouse, wal::WriteAheadLog& wal,
                   std::chrono::milliseconds cache_for = std::chrono::milliseconds(1000))
        : clickhouse_(clickhouse), wal_(wal), cache_for_(cache_for) {}

    Readiness check();

  private:
    storage::ClickHouseClient& clickhouse_;
    wal::WriteAheadLog& wal_;
    std::chrono::milliseconds cache_for_;
    std::mutex mutex_;
    std::chrono::steady_clock::time_point checked_at_{};
    bool last_ping_ = false;
};

}  // namespace infrasage::api
