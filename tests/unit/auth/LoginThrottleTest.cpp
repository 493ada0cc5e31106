#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "auth/LoginThrottle.h"

namespace infrasage::auth {
namespace {

constexpr int64_t kT = 1714564800;

TEST(LoginThrottleTest, LocksAnAccountAfterTheFifthFailure) {
    LoginThrottle throttle;
    for (int i = 0; i < 4; ++i) {
        throttle.recordFailure("alice@example.com", "10.0.0.1", kT + i);
        EXPECT_FALSE(throttle.retryAfter("alice@example.com", "10.0.0.1", kT + i)) << i;
    }
    throttle.recordFailure("alice@example.com", "10.0.0.1", kT + 4);
    EXPECT_EQ(throttle.retryAfter("alice@example.com", "10.0.0.1", kT + 4), 300);
    // From any address, and counted down.
    EXPECT_EQ(throttle.retryAfter("alice@example.com", "192.0.2.9", kT + 104), 200);
    EXPECT_EQ(throttle.retryAfter("alice@example.com", "192.0.2.9", kT + 303), 1);
    EXPECT_FALSE(throttle.retryAfter("alice@example.com", "192.0.2.9", kT + 304));
    // Other accounts are unaffected.
    EXPECT_FALSE(throttle.retryAfter("bob@example.com", "10.0.0.1", kT + 4));
}

TEST(LoginThrottleTest, AccountsAreCaseInsensitive) {
    LoginThrottle throttle;
    const char* spellings[] = {"Alice@Example.com", "ALICE@EXAMPLE.COM", "alice@example.com",
                               "aLiCe@example.COM", "alice@EXAMPLE.com"};
    int64_t t = kT;
    for (const char* email : spellings) {
        throttle.recordFailure(email, "10.0.0." + std::to_string(t - kT), t);
        ++t;
    }
    EXPECT_TRUE(throttle.retryAfter("alice@example.com", "203.0.113.1", t));
}

TEST(LoginThrottleTest, LocksAnAddressThatSpraysManyAccounts) {
    LoginThrottle throttle;
    for (int i = 0; i < 30; ++i) {
        throttle.recordFailure("user" + std::to_string(i) + "@example.com", "10.0.0.1", kT);
    }
    EXPECT_EQ(throttle.retryAfter("fresh@example.com", "10.0.0.1", kT), 300);
    EXPECT_FALSE(throttle.retryAfter("fresh@example.com", "10.0.0.2", kT));
}

TEST(LoginThrottleTest, FailuresExpireWithTheWindow) {
    LoginThrottle throttle;
    for (int i = 0; i < 4; ++i) {
        throttle.recordFailure("alice@example.com", "10.0.0.1", kT);
    }
    throttle.recordFailure("alice@example.com", "10.0.0.1", kT + 900);
    EXPECT_FALSE(throttle.retryAfter("alice@example.com", "10.0.0.1", kT + 900));
    // One second short of the window still counts.
    LoginThrottle other;
    for (int i = 0; i < 4; ++i) {
        other.recordFailure("alice@example.com", "10.0.0.1", kT);
    }
    other.recordFailure("alice@example.com", "10.0.0.1", kT + 899);
    EXPECT_TRUE(other.retryAfter("alice@example.com", "10.0.0.1", kT + 899));
}

TEST(LoginThrottleTest, SuccessResetsTheAccountButNotTheAddress) {
    LoginThrottleSettings settings;
    settings.ip_failures = 6;
    LoginThrottle throttle(settings);
    for (int i = 0; i < 4; ++i) {
        throttle.recordFailure("alice@example.com", "10.0.0.1", kT);
    }
    throttle.recordSuccess("ALICE@example.com", "10.0.0.1");
    throttle.recordFailure("alice@example.com", "10.0.0.2", kT);
    EXPECT_FALSE(throttle.retryAfter("alice@example.com", "10.0.0.2", kT));
    // 10.0.0.1 has 4 failures; logging in to one's own account does not reset them.
    throttle.recordSuccess("mallory@example.com", "10.0.0.1");
    throttle.recordFailure("carol@example.com", "10.0.0.1", kT);
    throttle.recordFailure("dave@example.com", "10.0.0.1", kT);
    EXPECT_EQ(throttle.retryAfter("erin@example.com", "10.0.0.1", kT), 300);
}

TEST(LoginThrottleTest, FailuresDuringALockoutDoNotExtendIt) {
    LoginThrottle throttle;
    for (int i = 0; i < 5; ++i) {
        throttle.recordFailure("alice@example.com", "10.0.0.1", kT);
    }
    throttle.recordFailure("alice@example.com", "10.0.0.1", kT + 100);
    EXPECT_EQ(throttle.retryAfter("alice@example.com", "10.0.0.1", kT + 100), 200);
    EXPECT_FALSE(throttle.retryAfter("alice@example.com", "10.0.0.1", kT + 300));
    // After the lockout, a fresh budget of five.
    for (int i = 0; i < 4; ++i) {
        throttle.recordFailure("alice@example.com", "10.0.0.1", kT + 300);
    }
    EXPECT_FALSE(throttle.retryAfter("alice@example.com", "10.0.0.1", kT + 300));
    throttle.recordFailure("alice@example.com", "10.0.0.1", kT + 301);
    EXPECT_EQ(throttle.retryAfter("alice@example.com", "10.0.0.1", kT + 301), 300);
}

TEST(LoginThrottleTest, ReportsTheLongerOfTwoLockouts) {
    LoginThrottleSettings settings;
    settings.ip_failures = 5;
    LoginThrottle throttle(settings);
    for (int i = 0; i < 5; ++i) {
        throttle.recordFailure("alice@example.com", "10.0.0.1", kT);
    }
    for (int i = 0; i < 5; ++i) {
        throttle.recordFailure("bob@example.com", "10.0.0.2", kT + 100);
    }
    EXPECT_EQ(throttle.retryAfter("alice@example.com", "10.0.0.2", kT + 100), 300);
    EXPECT_EQ(throttle.retryAfter("bob@example.com", "10.0.0.1", kT + 100), 300);
    EXPECT_EQ(throttle.retryAfter("alice@example.com", "10.0.0.3", kT + 100), 200);
}

TEST(LoginThrottleTest, MemoryIsBounded) {
    LoginThrottleSettings settings;
    settings.max_tracked = 3;
    LoginThrottle throttle(settings);
    for (int i = 0; i < 4; ++i) {
        throttle.recordFailure("first@example.com", "10.0.0.1", kT);
    }
    for (int i = 0; i < 10; ++i) {
        throttle.recordFailure("u" + std::to_string(i) + "@example.com",
                               "10.1.0." + std::to_string(i), kT);
    }
    EXPECT_EQ(throttle.trackedAccounts(), 3u);
    EXPECT_EQ(throttle.trackedIps(), 3u);
    // The least recently used account was evicted with its four failures.
    throttle.recordFailure("first@example.com", "10.0.0.9", kT);
    EXPECT_FALSE(throttle.retryAfter("first@example.com", "10.0.0.9", kT));
}

TEST(LoginThrottleTest, LongKeysAreBounded) {
    LoginThrottle throttle;
    const std::string huge(1 << 20, 'a');
    for (int i = 0; i < 5; ++i) {
        throttle.recordFailure(huge, "10.0.0.1", kT);
    }
    EXPECT_TRUE(throttle.retryAfter(huge, "10.0.0.2", kT));
    EXPECT_FALSE(throttle.retryAfter(huge + "b", "10.0.0.2", kT));
}

TEST(LoginThrottleTest, ConcurrentFailuresAreAllCounted) {
    constexpr int kThreads = 8;
    constexpr int kPerThread = 100;
    for (const int threshold : {kThreads * kPerThread, kThreads * kPerThread + 1}) {
        LoginThrottleSettings settings;
        settings.account_failures = threshold;
        settings.ip_failures = 1'000'000;
        LoginThrottle throttle(settings);
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&throttle, t] {
                for (int i = 0; i < kPerThread; ++i) {
                    throttle.recordFailure("alice@example.com", "10.0.0." + std::to_string(t), kT);
                }
            });
        }
        for (auto& thread : threads) {
            thread.join();
        }
        EXPECT_EQ(throttle.retryAfter("alice@example.com", "10.9.9.9", kT).has_value(),
                  threshold == kThreads * kPerThread)
            << threshold;
    }
}

TEST(LoginThrottleTest, RefusesNonPositiveSettings) {
    LoginThrottleSettings settings;
    settings.account_failures = 0;
    EXPECT_THROW(LoginThrottle{settings}, std::invalid_argument);
}

}  // namespace
}  // namespace infrasage::auth
