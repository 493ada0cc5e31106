#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "auth/RateLimiter.h"

namespace infrasage::auth {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kT0 = int64_t{1714564800} * kSecond;

TEST(RateLimiterTest, AllowsOneSecondOfBurstThenRefuses) {
    RateLimiter limiter;
    for (int i = 0; i < 5; ++i) {
        EXPECT_FALSE(limiter.tryAcquire("key:a", 5, kT0)) << i;
    }
    const auto wait = limiter.tryAcquire("key:a", 5, kT0);
    ASSERT_TRUE(wait);
    EXPECT_DOUBLE_EQ(*wait, 0.2);
}

TEST(RateLimiterTest, BurstIsAtLeastOneToken) {
    RateLimiter limiter;
    EXPECT_FALSE(limiter.tryAcquire("key:slow", 0.5, kT0));
    const auto wait = limiter.tryAcquire("key:slow", 0.5, kT0);
    ASSERT_TRUE(wait);
    EXPECT_DOUBLE_EQ(*wait, 2.0);
    EXPECT_TRUE(limiter.tryAcquire("key:slow", 0.5, kT0 + kSecond));
    EXPECT_FALSE(limiter.tryAcquire("key:slow", 0.5, kT0 + 2 * kSecond));
}

TEST(RateLimiterTest, RefillsAtTheRateUpToTheBurst) {
    RateLimiter limiter;
    EXPECT_FALSE(limiter.tryAcquire("k", 4, kT0));
    EXPECT_FALSE(limiter.tryAcquire("k", 4, kT0));
    EXPECT_FALSE(limiter.tryAcquire("k", 4, kT0));
    EXPECT_FALSE(limiter.tryAcquire("k", 4, kT0));
    EXPECT_DOUBLE_EQ(*limiter.tryAcquire("k", 4, kT0), 0.25);
    EXPECT_DOUBLE_EQ(*limiter.tryAcquire("k", 4, kT0 + kSecond / 8), 0.125);
    EXPECT_FALSE(limiter.tryAcquire("k", 4, kT0 + kSecond / 4));
    EXPECT_TRUE(limiter.tryAcquire("k", 4, kT0 + kSecond / 4));
    // A long pause refills only one second's worth.
    const int64_t later = kT0 + 3600 * kSecond;
    int allowed = 0;
    while (!limiter.tryAcquire("k", 4, later)) {
        ++allowed;
    }
    EXPECT_EQ(allowed, 4);
}

TEST(RateLimiterTest, AShrunkLimitAppliesAtOnce) {
    RateLimiter limiter;
    EXPECT_FALSE(limiter.tryAcquire("k", 100, kT0));
    EXPECT_FALSE(limiter.tryAcquire("k", 1, kT0));
    EXPECT_TRUE(limiter.tryAcquire("k", 1, kT0));
}

TEST(RateLimiterTest, ZeroOrNegativeRateIsUnlimited) {
    RateLimiter limiter;
    for (int i = 0; i < 1000; ++i) {
        EXPECT_FALSE(limiter.tryAcquire("tenant:free", 0, kT0));
        EXPECT_FALSE(limiter.tryAcquire("tenant:free", -1, kT0));
    }
    EXPECT_EQ(limiter.bucketCount(), 0u);
}

TEST(RateLimiterTest, BucketsAreIndependent) {
    RateLimiter limiter;
    EXPECT_FALSE(limiter.tryAcquire("key:a", 1, kT0));
    EXPECT_TRUE(limiter.tryAcquire("key:a", 1, kT0));
    EXPECT_FALSE(limiter.tryAcquire("key:b", 1, kT0));
    EXPECT_FALSE(limiter.tryAcquire("tenant:a", 1, kT0));
    EXPECT_EQ(limiter.bucketCount(), 3u);
}

TEST(RateLimiterTest, ABackwardClockRefillsNothing) {
    RateLimiter limiter;
    EXPECT_FALSE(limiter.tryAcquire("k", 1, kT0));
    EXPECT_TRUE(limiter.tryAcquire("k", 1, kT0 - 10 * kSecond));
    EXPECT_TRUE(limiter.tryAcquire("k", 1, kT0));
    EXPECT_FALSE(limiter.tryAcquire("k", 1, kT0 + kSecond));
}

TEST(RateLimiterTest, ManyThreadsNeverGetMoreThanTheBurst) {
    RateLimiter limiter;
    constexpr int kThreads = 8;
    std::atomic<int> allowed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 1000; ++i) {
                if (!limiter.tryAcquire("key:shared", 100, kT0)) {
                    allowed.fetch_add(1);
                }
                limiter.tryAcquire("key:own" + std::to_string(i % 7), 1e9, kT0);
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(allowed.load(), 100);
    EXPECT_EQ(limiter.bucketCount(), 8u);
}

TEST(RateLimiterTest, DropsIdleFullBuckets) {
    RateLimiter limiter;
    for (int i = 0; i < 50; ++i) {
        limiter.tryAcquire("key:" + std::to_string(i), 10, kT0);
    }
    limiter.tryAcquire("key:recent", 10, kT0 + 300 * kSecond);
    // A bucket too slow to have refilled in 10 minutes is kept: dropping it would hand out a
    // token early.
    limiter.tryAcquire("key:slow", 0.001, kT0);
    limiter.dropIdle(kT0 + 600 * kSecond);
    EXPECT_EQ(limiter.bucketCount(), 52u);
    limiter.dropIdle(kT0 + 601 * kSecond);
    EXPECT_EQ(limiter.bucketCount(), 2u);
    EXPECT_TRUE(limiter.tryAcquire("key:slow", 0.001, kT0 + 601 * kSecond));
}

TEST(RateLimiterTest, TryAcquireSweepsOnItsOwn) {
    RateLimiter limiter;
    for (int i = 0; i < 200; ++i) {
        limiter.tryAcquire("key:" + std::to_string(i), 10, kT0);
    }
    // Touching many keys later sweeps every shard they land in.
    for (int i = 0; i < 200; ++i) {
        limiter.tryAcquire("later:" + std::to_string(i), 10, kT0 + 700 * kSecond);
    }
    EXPECT_EQ(limiter.bucketCount(), 200u);
}

}  // namespace
}  // namespace infrasage::auth
