// RetentionJob against real daily partitions: old days go, recent days stay.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "common/Clock.h"
#include "storage/RetentionJob.h"
#include "storage/SchemaMigrations.h"
#include "storage/SqlLiteral.h"
#include "support/ClickHouseTestEnv.h"

namespace infrasage::storage {
namespace {

constexpr int64_t kSecondNanos = 1'000'000'000LL;
constexpr int64_t kDaySeconds = 86'400;

void insertLog(ClickHouseClient& client, const std::string& database, int64_t unix_seconds,
               std::string_view body) {
    client.query(SqlBuilder("INSERT INTO ")
                     .qualified(database, "infrasage_logs")
                     .sql(" (tenant_id, service_id, timestamp, timestamp_nanos, body, trace_id, "
                          "attr_keys, attr_values, received_at) VALUES ('acme', 'api', ")
                     .sql("toDateTime(")
                     .integer(unix_seconds)
                     .sql("), 0, ")
                     .string(body)
                     .sql(", '', [], [], now())")
                     .str());
}

std::string yyyymmdd(int64_t unix_seconds) {
    const std::chrono::sys_days day{std::chrono::days(unix_seconds / kDaySeconds)};
    const std::chrono::year_month_day date(day);
    char text[16];
    std::snprintf(text, sizeof(text), "%04d%02u%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    return text;
}

TEST(StorageRetention, DropsOldPartitionsAndKeepsRecentOnes) {
    testing::ScratchDatabase db("infrasage_it_storage_retention");
    SchemaMigrations(db.client(), db.name()).apply();

    const int64_t now = SystemClock::instance().nowNanos() / kSecondNanos;
    const int64_t old_ts = now - 40 * kDaySeconds;
    const int64_t recent_ts = now - 3600;
    insertLog(db.client(), db.name(), old_ts, "old");
    insertLog(db.client(), db.name(), recent_ts, "recent");

    ManualClock clock(now * kSecondNanos);
    RetentionJob job(db.client(), db.name(), {{"infrasage_logs", 30}, {"infrasage_metrics", 30}},
                     clock);
    const auto dropped = job.runOnce();
    ASSERT_EQ(dropped.size(), 1u);
    EXPECT_EQ(dropped[0].table, "infrasage_logs");
    EXPECT_EQ(dropped[0].partition, yyyymmdd(old_ts));

    EXPECT_EQ(db.client().query("SELECT body FROM infrasage_logs FORMAT TSV"), "recent\n");
    EXPECT_EQ(db.client().query(SqlBuilder("SELECT DISTINCT partition FROM system.parts WHERE "
                                           "active = 1 AND database = ")
                                    .string(db.name())
                                    .sql(" AND table = 'infrasage_logs' FORMAT TSV")
                                    .str()),
              yyyymmdd(recent_ts) + "\n");
    EXPECT_TRUE(job.runOnce().empty());

    // Sixty days later the recent day has aged out too.
    clock.set((now + 60 * kDaySeconds) * kSecondNanos);
    const auto later = job.runOnce();
    ASSERT_EQ(later.size(), 1u);
    EXPECT_EQ(later[0].partition, yyyymmdd(recent_ts));
    EXPECT_EQ(db.client().query("SELECT count() FROM infrasage_logs FORMAT TSV"), "0\n");
}

}  // namespace
}  // namespace infrasage::storage
