#include "storage/RetentionJob.h"

#include <charconv>
#include <chrono>
#include <stdexcept>

#include "observability/Log.h"
#include "storage/SqlLiteral.h"

namespace infrasage::storage {

namespace {

constexpr int64_t kNanosPerDay = 86'400LL * 1'000'000'000LL;

// Floor division: days since the epoch of the UTC day holding `nanos` (also before 1970).
int64_t dayOf(int64_t nanos) {
    int64_t day = nanos / kNanosPerDay;
    if (nanos % kNanosPerDay < 0) {
        --day;
    }
    return day;
}

std::vector<std::string> splitLines(std::string_view text) {
    std::vector<std::string> lines;
    while (!text.empty()) {
        const auto end = text.find('\n');
        if (end != 0) {
            lines.emplace_back(text.substr(0, end));
        }
        if (end == std::string_view::npos) {
            break;
        }
        text.remove_prefix(end + 1);
    }
    return lines;
}

}  // namespace

RetentionJob::RetentionJob(ClickHouseClient& client, std::string database,
                           std::map<std::string, int> retention_days, const Clock& clock)
    : client_(client),
      database_(std::move(database)),
      retention_days_(std::move(retention_days)),
      clock_(clock) {
    quoteIdentifier(database_);
    for (const auto& [table, days] : retention_days_) {
        quoteIdentifier(table);
        if (days <= 0) {
            throw std::invalid_argument("retention for " + table + " must be at least one day");
        }
    }
}

std::optional<int64_t> RetentionJob::partitionDay(std::string_view partition) {
    uint32_t value = 0;
    const auto result =
        std::from_chars(partition.data(), partition.data() + partition.size(), value);
    if (partition.size() != 8 || result.ec != std::errc() ||
        result.ptr != partition.data() + partition.size()) {
        return std::nullopt;
    }
    const std::chrono::year_month_day date{std::chrono::year(static_cast<int>(value / 10000)),
                                           std::chrono::month(value / 100 % 100),
                                           std::chrono::day(value % 100)};
    if (!date.ok()) {
        return std::nullopt;
    }
    return std::chrono::sys_days(date).time_since_epoch().count();
}

bool RetentionJob::isExpired(std::string_view partition, int retention_days, int64_t now_nanos) {
    const auto day = partitionDay(partition);
    if (!day) {
        return false;
    }
    const int64_t cutoff_nanos = now_nanos - static_cast<int64_t>(retention_days) * kNanosPerDay;
    // The day [day, day + 1) is wholly older than the cutoff when it ends at or before it.
    return *day < dayOf(cutoff_nanos);
}

std::vector<DroppedPartition> RetentionJob::runOnce() {
    std::vector<DroppedPartition> dropped;
    const int64_t now = clock_.nowNanos();
    for (const auto& [table, days] : retention_days_) {
        for (const auto& partition : activePartitions(table)) {
            if (!isExpired(partition, days, now)) {
                continue;
            }
            const auto day = std::string_view(partition);
            uint64_t number = 0;
            std::from_chars(day.data(), day.data() + day.size(), number);
            client_.queryWithoutDatabase(SqlBuilder("ALTER TABLE ")
                                             .qualified(database_, table)
                                             .sql(" DROP PARTITION ")
                                             .unsignedInteger(number)
                                             .str());
            observability::logInfo(
                "retention dropped partition",
                {{"database", database_}, {"table", table}, {"partition", partition}});
            dropped.push_back({table, partition});
        }
    }
    return dropped;
}

std::vector<std::string> RetentionJob::activePartitions(const std::string& table) {
    return splitLines(client_.queryWithoutDatabase(
        SqlBuilder("SELECT DISTINCT partition FROM system.parts WHERE active = 1 AND database = ")
            .string(database_)
            .sql(" AND table = ")
            .string(table)
            .sql(" ORDER BY partition FORMAT TabSeparated")
            .str()));
}

}  // namespace infrasage::storage
