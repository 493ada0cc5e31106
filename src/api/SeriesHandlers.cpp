#include "api/SeriesHandlers.h"

#include <algorithm>
#include <cmath>

#include "api/QueryParams.h"
#include "detect/Ensemble.h"
#include "http/JsonResponse.h"
#include "storage/MetricSeriesQuery.h"
#include "tenancy/TenantScope.h"

namespace infrasage::api {

namespace {

constexpr int64_t kMinStep = 10;
constexpr int64_t kMaxStep = 86400;
constexpr int64_t kDefaultStep = 60;
constexpr int64_t kMaxPoints = 10000;
constexpr int64_t kDefaultWindow = 3600;
constexpr int64_t kEndOfDateTime = int64_t{1} << 32;  // first second a DateTime cannot hold
// History before `since` fed to the ensemble (not returned), so the first returned points already
// have a learned band: two days, so the seasonal envelope (yesterday's hours) and the local range
// (~512 points) exist, within 64..2880 steps.
constexpr int64_t kWarmupSeconds = int64_t{2} * 86400;
constexpr int64_t kMinWarmupSteps = 64;
constexpr int64_t kMaxWarmupSteps = 2880;

struct Window {
    int64_t since = 0;  // aligned down to a multiple of the step
    int64_t until = 0;  // exclusive
    int64_t step = kDefaultStep;
};

int64_t floorDiv(int64_t a, int64_t b) {
    return a / b - ((a % b != 0 && a < 0) ? 1 : 0);
}

Window window(const Services& s, const http::Request& req) {
    Window w;
    w.step = integerParam(req, "step", kMinStep, kMaxStep, "invalid_step").value_or(kDefaultStep);
    const int64_t now = s.clock.nowNanos() / 1'000'000'000;
    // until is exclusive: a fraction of a second includes that whole second.
    const auto until_ms = timeParamMs(req, "until");
    w.until = until_ms ? std::min<int64_t>(*until_ms / 1000 + (*until_ms % 1000 > 0 ? 1 : 0),
                                           kEndOfDateTime)
                       : now + 1;
    const int64_t since =
        timeParamSeconds(req, "since").value_or(std::max<int64_t>(w.until - kDefaultWindow, 0));
    if (since >= w.until) {
        throw ApiError(400, "invalid_time_range", "since must be before until");
    }
    w.since = floorDiv(since, w.step) * w.step;
    if ((w.until - w.since + w.step - 1) / w.step > kMaxPoints) {
        throw ApiError(400, "too_many_points",
                       "the window holds more than 10000 steps: narrow it or use a larger step");
    }
    return w;
}

nlohmann::json number(double value) {
    return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

}  // namespace

void handleMetricSeries(Services& s, const http::Request& req, http::Response& res,
                        http::RequestContext& ctx) {
    storage::SeriesRequest request;
    request.service_id = requiredParam(req, "service_id");
    request.metric_name = requiredParam(req, "metric_name");
    const Window w = window(s, req);
    request.step = w.step;
    const int64_t warmup_steps =
        std::clamp<int64_t>(kWarmupSeconds / w.step, kMinWarmupSteps, kMaxWarmupSteps);
    request.since = std::max<int64_t>(w.since - warmup_steps * w.step, 0);
    request.until = w.until;
    ctx.audit_resource = request.service_id + "/" + request.metric_name;

    storage::MetricSeriesQuery query(s.clickhouse, s.clickhouse.options().database);
    const auto buckets = query.buckets(tenancy::TenantScope::of(ctx.caller()), request);

    detect::Ensemble ensemble(s.detection);
    auto points = nlohmann::json::array();
    for (const auto& bucket : buckets) {
        const auto out = ensemble.update({bucket.timestamp, bucket.value});
        if (bucket.timestamp < w.since) {
            continue;  // warm-up only
        }
        points.push_back({{"timestamp", bucket.timestamp},
                          {"value", number(bucket.value)},
                          {"expected", number(out.expected)},
                          {"lower", number(out.lower)},
                          {"upper", number(out.upper)},
                          {"anomaly_score", number(out.anomaly_score)}});
    }
    http::writeJson(res, 200,
                    {{"since", w.since}, {"until", w.until}, {"step", w.step}, {"points", points}});
}

}  // namespace infrasage::api
