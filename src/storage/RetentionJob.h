// storage/RetentionJob: deletes telemetry older than each table's retention. ClickHouse 18.16 has
// no TTL, so tables are partitioned by day (toYYYYMMDD) and this job drops whole partitions whose
// day ended before now - retention. A day that still holds rows inside the window is kept.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/Clock.h"
#include "storage/ClickHouseClient.h"

namespace infrasage::storage {

struct DroppedPartition {
    std::string table;
    std::string partition;  // YYYYMMDD
};

class RetentionJob {
  public:
    // `retention_days`: table name -> days to keep (> 0, std::invalid_argument otherwise).
    RetentionJob(ClickHouseClient& client, std::string database,
                 std::map<std::string, int> retention_days, const Clock& clock);

    // Drops every expired partition once; returns what it dropped. Throws ClickHouseError.
    std::vector<DroppedPartition> runOnce();

    // The partition's day as days since 1970-01-01, or nullopt when `partition` is not a valid
    // YYYYMMDD date (such partitions are never dropped).
    static std::optional<int64_t> partitionDay(std::string_view partition);

    // True when every second of the partition's day is older than now - retention.
    static bool isExpired(std::string_view partition, int retention_days, int64_t now_nanos);

  private:
    std::vector<std::string> activePartitions(const std::string& table);

    ClickHouseClient& client_;
    std::string database_;
    std::map<std::string, int> retention_days_;
    const Clock& clock_;
};

}  // namespace infrasage::storage
