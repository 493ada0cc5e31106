// auth/RateLimiter: token buckets per key or tenant ("key:<id>", "tenant:<id>"). Defends against
// one credential or tenant starving the others (429 with Retry-After), with sharded locks so that
// the check on every request does not serialise the server, and bounded memory (idle buckets are
// dropped). State is per process; time is passed in, so it is testable without sleeping.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace infrasage::auth {

class RateLimiter {
  public:
    static constexpr int64_t kIdleDropNanos = int64_t{600} * 1'000'000'000;  // 10 minutes

    // nullopt: allowed (one token taken). Otherwise the seconds until a token will be available
    // (the caller rounds up for Retry-After). Each bucket holds max(1, rate) tokens — one
    // second's worth — and starts full. rate_per_second ≤ 0 means unlimited (no bucket kept).
    std::optional<double> tryAcquire(const std::string& bucket, double rate_per_second,
                                     int64_t now_nanos);

    // Drops buckets idle for over 10 minutes that have refilled completely (so dropping them
    // changes no decision). tryAcquire does this for its shard once a minute on its own.
    void dropIdle(int64_t now_nanos);

    std::size_t bucketCount() const;

  private:
    struct Bucket {
        double tokens = 0;
        double rate = 0;
        int64_t last_nanos = 0;
    };

    struct alignas(64) Shard {
        mutable std::mutex mutex;
        std::unordered_map<std::string, Bucket> buckets;
        int64_t last_sweep_nanos = 0;
    };

    static constexpr std::size_t kShards = 16;
    static void sweepIdle(Shard& shard, int64_t now_nanos);

    std::array<Shard, kShards> shards_;
};

}  // namespace infrasage::auth
