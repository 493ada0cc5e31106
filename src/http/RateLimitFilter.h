// http/RateLimitFilter: token buckets per API key (the key's rate_limit_rps) and per tenant (its
// plan's RPS), checked after authentication and authorisation. Over the limit: 429
// rate_limit_exceeded with Retry-After, counted in /metrics.
#pragma once

#include <functional>

#include "auth/RateLimiter.h"
#include "common/Clock.h"
#include "http/Filter.h"
#include "observability/Metrics.h"

namespace infrasage::http {

struct RateLimits {
    double key_rps = 0;     // 0: no per-key limit
    double tenant_rps = 0;  // 0: no per-tenant limit
};

class RateLimitFilter final : public Filter {
  public:
    using LimitsFor = std::function<RateLimits(const auth::Principal&)>;
    RateLimitFilter(auth::RateLimiter& limiter, LimitsFor limits_for, const Clock& clock,
                    observability::Metrics& metrics)
        : limiter_(limiter), limits_for_(std::move(limits_for)), clock_(clock), metrics_(metrics) {}

    std::string_view name() const override { return "rate_limit"; }
    void onRequest(const Route& route, const Request& req, RequestContext& ctx) override;

  private:
    void acquire(const std::string& bucket, double rps, const char* kind);

    auth::RateLimiter& limiter_;
    LimitsFor limits_for_;
    const Clock& clock_;
    observability::Metrics& metrics_;
};

}  // namespace infrasage::http
