#include "http/RateLimitFilter.h"

#include <cmath>

namespace infrasage::http {

void RateLimitFilter::acquire(const std::string& bucket, double rps, const char* kind) {
    if (rps <= 0) {
        return;
    }
    if (auto wait = limiter_.tryAcquire(bucket, rps, clock_.nowNanos())) {
        metrics_.addRateLimited(kind);
        auto seconds = std::max(1, static_cast<int>(std::ceil(*wait)));
        throw ApiError(429, "rate_limit_exceeded", std::string(kind) + " rate limit exceeded")
            .withRetryAfter(seconds);
    }
}

void RateLimitFilter::onRequest(const Route&, const Request&, RequestContext& ctx) {
    if (!ctx.principal) {
        return;
    }
    auto limits = limits_for_(*ctx.principal);
    if (ctx.principal->actor_type == auth::ActorType::ApiKey) {
        acquire("key:" + ctx.principal->actor, limits.key_rps, "api_key");
    }
    acquire("tenant:" + ctx.principal->tenant_id, limits.tenant_rps, "tenant");
}

}  // namespace infrasage::http
