#include <gtest/gtest.h>

#include <stdexcept>

#include "common/Clock.h"
#include "storage/RetentionJob.h"

namespace infrasage::storage {
namespace {

constexpr int64_t kSecond = 1'000'000'000LL;
constexpr int64_t kDay = 86'400LL * kSecond;
// 2024-01-10T00:00:00Z
constexpr int64_t kJan10 = 1'704'844'800LL * kSecond;

TEST(RetentionJob, ParsesPartitionDays) {
    EXPECT_EQ(RetentionJob::partitionDay("19700101"), 0);
    EXPECT_EQ(RetentionJob::partitionDay("20240110"), kJan10 / kDay);
    EXPECT_EQ(RetentionJob::partitionDay("20240229"), 19'782);  // leap day
}

TEST(RetentionJob, IgnoresPartitionsThatAreNotDays) {
    for (const char* partition : {"", "2024011", "202401100", "20241301", "20240230", "20230229",
                                  "abcdefgh", "tuple()", "-2024011", "2024-01-"}) {
        EXPECT_FALSE(RetentionJob::partitionDay(partition).has_value()) << partition;
        EXPECT_FALSE(RetentionJob::isExpired(partition, 1, kJan10 + 1000 * kDay)) << partition;
    }
}

TEST(RetentionJob, ExpiresOnlyDaysWhollyOlderThanTheRetention) {
    const int64_t now = kJan10 + 12 * 3600 * kSecond;  // 2024-01-10T12:00Z, cutoff 01-03T12:00Z
    EXPECT_TRUE(RetentionJob::isExpired("20231201", 7, now));
    EXPECT_TRUE(RetentionJob::isExpired("20240102", 7, now));
    EXPECT_FALSE(RetentionJob::isExpired("20240103", 7, now));  // still has rows in the window
    EXPECT_FALSE(RetentionJob::isExpired("20240110", 7, now));
    EXPECT_FALSE(RetentionJob::isExpired("20240111", 7, now));  // future (clock skew)
}

TEST(RetentionJob, DayEndingExactlyAtTheCutoffExpires) {
    // Cutoff 2024-01-03T00:00Z: the 2nd ended exactly then, the 3rd has just begun.
    EXPECT_TRUE(RetentionJob::isExpired("20240102", 7, kJan10));
    EXPECT_FALSE(RetentionJob::isExpired("20240103", 7, kJan10));
    // One nanosecond earlier the 2nd still had its last instant inside the window.
    EXPECT_FALSE(RetentionJob::isExpired("20240102", 7, kJan10 - 1));
}

TEST(RetentionJob, OneDayRetentionKeepsYesterday) {
    const int64_t now = kJan10 + 1;
    EXPECT_FALSE(RetentionJob::isExpired("20240109", 1, now));
    EXPECT_TRUE(RetentionJob::isExpired("20240108", 1, now));
}

TEST(RetentionJob, RejectsNonPositiveRetentionAndBadNames) {
    ClickHouseClient client(ClickHouseOptions{});  // never contacted
    ManualClock clock(kJan10);
    EXPECT_THROW(RetentionJob(client, "db", {{"t", 0}}, clock), std::invalid_argument);
    EXPECT_THROW(RetentionJob(client, "db", {{"t", -3}}, clock), std::invalid_argument);
    EXPECT_THROW(RetentionJob(client, "db", {{"t`x", 3}}, clock), std::invalid_argument);
    EXPECT_THROW(RetentionJob(client, "d`b", {{"t", 3}}, clock), std::invalid_argument);
    EXPECT_NO_THROW(RetentionJob(client, "db", {{"t", 3}}, clock));
}

}  // namespace
}  // namespace infrasage::storage
