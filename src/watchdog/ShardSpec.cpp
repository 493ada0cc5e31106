#include "watchdog/ShardSpec.h"

#include <charconv>
#include <stdexcept>

namespace infrasage::watchdog {

namespace {

// Upper bound on n: far more engine processes than anyone runs, small enough to catch typos.
constexpr uint32_t kMaxShards = 4096;

uint32_t parseNumber(std::string_view text, std::string_view whole) {
    uint32_t value = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end) {
        throw std::invalid_argument("shard must be i/n with decimal numbers, got '" +
                                    std::string(whole) + "'");
    }
    return value;
}

}  // namespace

ShardSpec::ShardSpec(uint32_t index, uint32_t count) : index_(index), count_(count) {
    if (count == 0 || count > kMaxShards) {
        throw std::invalid_argument("shard count must be between 1 and " +
                                    std::to_string(kMaxShards));
    }
    if (index >= count) {
        throw std::invalid_argument("shard index must be below the shard count (0-based: 0/" +
                                    std::to_string(count) + " .. " + std::to_string(count - 1) +
                                    "/" + std::to_string(count) + ")");
    }
}

ShardSpec ShardSpec::parse(std::string_view text) {
    auto slash = text.find('/');
    if (slash == std::string_view::npos) {
        throw std::invalid_argument("shard must be i/n, got '" + std::string(text) + "'");
    }
    return ShardSpec(parseNumber(text.substr(0, slash), text),
                     parseNumber(text.substr(slash + 1), text));
}

std::string ShardSpec::toString() const {
    return std::to_string(index_) + "/" + std::to_string(count_);
}

void ShardSpec::appendCondition(storage::SqlBuilder& sql) const {
    if (whole()) {
        return;
    }
    sql.sql(" AND cityHash64(tenant_id, service_id, metric_name) % ")
        .unsignedInteger(count_)
        .sql(" = ")
        .unsignedInteger(index_);
}

}  // namespace infrasage::watchdog
