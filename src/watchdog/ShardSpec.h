// watchdog/ShardSpec: which part of the series space one engine process owns (`--shard i/n`).
// A series belongs to shard cityHash64(tenant_id, service_id, metric_name) % n, computed by
// ClickHouse, so the split is stable across processes, restarts and InfraSage versions and every
// series lands in exactly one shard.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/SqlLiteral.h"

namespace infrasage::watchdog {

class ShardSpec {
  public:
    // The whole series space (0/1).
    ShardSpec() = default;
    // Throws std::invalid_argument unless count >= 1 and index < count.
    ShardSpec(uint32_t index, uint32_t count);

    // Parses "i/n" (decimal, no spaces); throws std::invalid_argument on anything else.
    static ShardSpec parse(std::string_view text);

    uint32_t index() const { return index_; }
    uint32_t count() const { return count_; }
    bool whole() const { return count_ == 1; }
    std::string toString() const;

    // Appends " AND cityHash64(tenant_id, service_id, metric_name) % n = i" (nothing for 0/1).
    void appendCondition(storage::SqlBuilder& sql) const;

    bool operator==(const ShardSpec&) const = default;

  private:
    uint32_t index_ = 0;
    uint32_t count_ = 1;
};

}  // namespace infrasage::watchdog
