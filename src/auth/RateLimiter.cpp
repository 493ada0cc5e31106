#include "auth/RateLimiter.h"

#include <algorithm>
#include <functional>

namespace infrasage::auth {

namespace {

constexpr double kNanosPerSecond = 1e9;
constexpr int64_t kSweepIntervalNanos = int64_t{60} * 1'000'000'000;

double burstOf(double rate) {
    return std::max(1.0, rate);
}

// Refills `bucket` up to `now`. A clock that went backwards refills nothing.
void refill(double& tokens, int64_t& last_nanos, double rate, int64_t now_nanos) {
    if (now_nanos > last_nanos) {
        const double elapsed = static_cast<double>(now_nanos - last_nanos) / kNanosPerSecond;
        tokens = std::min(burstOf(rate), tokens + elapsed * rate);
        last_nanos = now_nanos;
    }
}

}  // namespace

std::optional<double> RateLimiter::tryAcquire(const std::string& bucket, double rate_per_second,
                                              int64_t now_nanos) {
    if (!(rate_per_second > 0)) {
        return std::nullopt;  // unlimited (NaN included: never limit on a misconfiguration)
    }
    Shard& shard = shards_[std::hash<std::string>{}(bucket) % kShards];
    const std::lock_guard lock(shard.mutex);
    if (now_nanos - shard.last_sweep_nanos >= kSweepIntervalNanos) {
        sweepIdle(shard, now_nanos);
    }
    auto [it, inserted] = shard.buckets.try_emplace(bucket);
    Bucket& b = it->second;
    if (inserted) {
        b.tokens = burstOf(rate_per_second);
        b.last_nanos = now_nanos;
    } else {
        refill(b.tokens, b.last_nanos, b.rate, now_nanos);
        b.tokens = std::min(b.tokens, burstOf(rate_per_second));  // the limit may have shrunk
    }
    b.rate = rate_per_second;
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return std::nullopt;
    }
    return (1.0 - b.tokens) / rate_per_second;
}

// Drops buckets idle for 10 minutes that have refilled completely: such a bucket behaves exactly
// like a missing one, so dropping it changes no decision. (Only rates below one per 10 minutes
// keep a bucket longer.)
void RateLimiter::sweepIdle(Shard& shard, int64_t now_nanos) {
    shard.last_sweep_nanos = now_nanos;
    std::erase_if(shard.buckets, [now_nanos](const auto& entry) {
        Bucket b = entry.second;
        if (now_nanos - b.last_nanos <= kIdleDropNanos) {
            return false;
        }
        refill(b.tokens, b.last_nanos, b.rate, now_nanos);
        return b.tokens >= burstOf(b.rate);
    });
}

void RateLimiter::dropIdle(int64_t now_nanos) {
    for (Shard& shard : shards_) {
        const std::lock_guard lock(shard.mutex);
        sweepIdle(shard, now_nanos);
    }
}

std::size_t RateLimiter::bucketCount() const {
    std::size_t count = 0;
    for (const Shard& shard : shards_) {
        const std::lock_guard lock(shard.mutex);
        count += shard.buckets.size();
    }
    return count;
}

}  // namespace infrasage::auth
