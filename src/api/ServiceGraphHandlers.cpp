#include "api/ServiceGraphHandlers.h"

#include <algorithm>
#include <limits>

#include "api/AnomalyJson.h"
#include "api/QueryParams.h"
#include "http/JsonResponse.h"
#include "storage/ServiceGraphQuery.h"
#include "tenancy/TenantScope.h"

namespace infrasage::api {

namespace {

constexpr int64_t kDefaultWindowSeconds = int64_t{24} * 3600;
constexpr int64_t kEndOfDateTime = std::numeric_limits<uint32_t>::max();

}  // namespace

void handleServiceGraph(Services& s, const http::Request& req, http::Response& res,
                        http::RequestContext& ctx) {
    const int64_t now = s.clock.nowNanos() / 1'000'000'000;
    // until is exclusive: a fraction of a second includes that whole second.
    const auto until_ms = timeParamMs(req, "until");
    const int64_t until =
        until_ms ? std::clamp<int64_t>(*until_ms / 1000 + (*until_ms % 1000 > 0 ? 1 : 0), 0,
                                       kEndOfDateTime)
                 : now + 1;
    const int64_t since = timeParamSeconds(req, "since")
                              .value_or(std::max<int64_t>(until - kDefaultWindowSeconds, 0));
    if (since >= until) {
        throw ApiError(400, "invalid_time_range", "since must be before until");
    }
    storage::ServiceGraphQuery query(s.clickhouse, s.clickhouse.options().database);
    const auto graph = query.graph(tenancy::TenantScope::of(ctx.caller()), since, until);
    auto edges = nlohmann::json::array();
    for (const auto& edge : graph.edges) {
        edges.push_back(
            {{"from", edge.from}, {"to", edge.to}, {"calls", edge.calls}, {"errors", edge.errors}});
    }
    http::writeJson(res, 200,
                    {{"edges", edges},
                     {"since", rfc3339Seconds(since)},
                     {"until", rfc3339Seconds(until)},
                     {"truncated", graph.truncated}});
}

}  // namespace infrasage::api
