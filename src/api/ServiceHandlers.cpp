#include "api/ServiceHandlers.h"

#include <algorithm>

#include "api/AnomalyJson.h"
#include "api/QueryParams.h"
#include "http/JsonResponse.h"
#include "storage/ServiceCatalog.h"
#include "tenancy/TenantScope.h"

namespace infrasage::api {

namespace {

constexpr int64_t kDefaultLookbackSeconds = int64_t{24} * 3600;

}  // namespace

void handleListServices(Services& s, const http::Request& req, http::Response& res,
                        http::RequestContext& ctx) {
    const int64_t now = s.clock.nowNanos() / 1'000'000'000;
    const int64_t since = timeParamSeconds(req, "since")
                              .value_or(std::max<int64_t>(now - kDefaultLookbackSeconds, 0));

    storage::ServiceCatalog catalog(s.clickhouse, s.clickhouse.options().database);
    const auto list = catalog.list(tenancy::TenantScope::of(ctx.caller()), since);
    auto services = nlohmann::json::array();
    for (const auto& state : list.services) {
        services.push_back(serviceJson(state));
    }
    http::writeJson(
        res, 200,
        {{"services", services}, {"since", rfc3339Seconds(since)}, {"truncated", list.truncated}});
}

}  // namespace infrasage::api
