// Micro-benchmarks of the per-request authentication work: hashing a presented API key (then one
// indexed lookup), verifying a JWT, classifying the credential headers, and the rate-limit check,
// alone and from two threads.
//   build-*/bench/bench_micro_auth --benchmark_min_time=0.5
#include <benchmark/benchmark.h>

#include <string>

#include "auth/ApiKeySecret.h"
#include "auth/CredentialParser.h"
#include "auth/JwtCodec.h"
#include "auth/RateLimiter.h"

namespace {

using infrasage::auth::ApiKeyHasher;
using infrasage::auth::generateApiKey;
using infrasage::auth::JwtCodec;
using infrasage::auth::JwtSettings;
using infrasage::auth::parseCredentials;
using infrasage::auth::RateLimiter;

constexpr int64_t kNow = 1714564800;

void BM_ApiKeyHash(benchmark::State& state) {
    const ApiKeyHasher hasher(std::string(32, 'p'));
    const std::string secret = generateApiKey().secret;
    for (auto _ : state) {
        benchmark::DoNotOptimize(hasher.hash(secret));
    }
}
BENCHMARK(BM_ApiKeyHash);

void BM_JwtVerify(benchmark::State& state) {
    JwtSettings settings;
    settings.secret = std::string(32, 's');
    const JwtCodec codec(settings);
    const std::string token = codec.issue(
        {"alice@example.com", "acme-corp", "operator", "", "", "", kNow, kNow + 3600, {}});
    for (auto _ : state) {
        benchmark::DoNotOptimize(codec.verify(token, kNow));
    }
    state.SetLabel(std::to_string(token.size()) + " byte token");
}
BENCHMARK(BM_JwtVerify);

void BM_ParseCredentialsApiKeyHeader(benchmark::State& state) {
    const std::string key = generateApiKey().secret;
    for (auto _ : state) {
        benchmark::DoNotOptimize(parseCredentials("", key));
    }
}
BENCHMARK(BM_ParseCredentialsApiKeyHeader);

void BM_ParseCredentialsBearerJwt(benchmark::State& state) {
    JwtSettings settings;
    settings.secret = std::string(32, 's');
    const std::string header =
        "Bearer " +
        JwtCodec(settings).issue(
            {"alice@example.com", "acme-corp", "operator", "", "", "", kNow, kNow + 3600, {}});
    for (auto _ : state) {
        benchmark::DoNotOptimize(parseCredentials(header, ""));
    }
}
BENCHMARK(BM_ParseCredentialsBearerJwt);

RateLimiter& sharedLimiter() {
    static RateLimiter limiter;
    return limiter;
}

// Every thread on one bucket (one tenant): the worst case for the shard lock.
void BM_RateLimiterSameBucket(benchmark::State& state) {
    const std::string bucket = "tenant:acme-corp";
    int64_t now = int64_t{kNow} * 1'000'000'000;
    for (auto _ : state) {
        benchmark::DoNotOptimize(sharedLimiter().tryAcquire(bucket, 1e12, ++now));
    }
}
BENCHMARK(BM_RateLimiterSameBucket)->Threads(1)->Threads(2);

// Each thread on its own key, as with many API keys.
void BM_RateLimiterOwnBucket(benchmark::State& state) {
    const std::string bucket = "key:isage_key_" + std::to_string(state.thread_index());
    int64_t now = int64_t{kNow} * 1'000'000'000;
    for (auto _ : state) {
        benchmark::DoNotOptimize(sharedLimiter().tryAcquire(bucket, 1e12, ++now));
    }
}
BENCHMARK(BM_RateLimiterOwnBucket)->Threads(1)->Threads(2);

}  // namespace

BENCHMARK_MAIN();
