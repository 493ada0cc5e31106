#include "api/AnomalyHandlers.h"

#include <utility>

#include "api/AnomalyJson.h"
#include "api/JsonBody.h"
#include "api/PageResponse.h"
#include "api/QueryParams.h"
#include "http/JsonResponse.h"
#include "storage/AnomalyRepository.h"
#include "tenancy/TenantScope.h"

namespace infrasage::api {

namespace {

constexpr auto kMaxLimit = static_cast<int64_t>(storage::AnomalyRepository::kMaxLimit);
constexpr auto kDefaultLimit = static_cast<int64_t>(storage::AnomalyRepository::kDefaultLimit);

storage::AnomalyRepository repository(Services& s) {
    return storage::AnomalyRepository(s.clickhouse, s.clickhouse.options().database);
}

// Who changed the status: the user id for users (stable across email changes), else the key id.
std::string principalId(const auth::Principal& caller) {
    return caller.user_id.empty() ? caller.actor : caller.user_id;
}

void changeStatus(Services& s, const http::Request& req, http::Response& res,
                  http::RequestContext& ctx, storage::AnomalyAction action) {
    ctx.audit_resource = http::pathParam(req, 1);
    JsonBody body(ctx.body, {});  // no fields: rejects bodies meant for something else
    const auto& caller = ctx.caller();
    auto row =
        repository(s).changeStatus(tenancy::TenantScope::of(caller), ctx.audit_resource, action,
                                   principalId(caller), s.clock.nowNanos() / 1'000'000);
    http::writeJson(res, 200, anomalyJson(row));
}

}  // namespace

void handleListAnomalies(Services& s, const http::Request& req, http::Response& res,
                         http::RequestContext& ctx) {
    storage::AnomalyFilter filter;
    filter.service_id = queryParam(req, "service_id");
    filter.metric_name = queryParam(req, "metric_name");
    filter.severity = queryParam(req, "severity");
    filter.status = queryParam(req, "status");
    filter.since_ms = timeParamMs(req, "since");
    filter.until_ms = timeParamMs(req, "until");
    filter.min_score = numberParam(req, "min_score", "invalid_min_score");
    filter.limit = static_cast<std::size_t>(
        integerParam(req, "limit", 1, kMaxLimit, "invalid_limit").value_or(kDefaultLimit));
    filter.page_token = queryParam(req, "page_token").value_or("");

    auto page = repository(s).list(tenancy::TenantScope::of(ctx.caller()), filter);
    auto anomalies = nlohmann::json::array();
    for (const auto& row : page.anomalies) {
        anomalies.push_back(anomalyJson(row));
    }
    writePage(res, "anomalies", std::move(anomalies), page.next_page_token);
}

void handleGetAnomaly(Services& s, const http::Request& req, http::Response& res,
                      http::RequestContext& ctx) {
    ctx.audit_resource = http::pathParam(req, 1);
    auto row = repository(s).get(tenancy::TenantScope::of(ctx.caller()), ctx.audit_resource);
    if (!row) {
        throw ApiError(404, "anomaly_not_found", "no such anomaly");
    }
    http::writeJson(res, 200, anomalyJson(*row));
}

void handleAcknowledgeAnomaly(Services& s, const http::Request& req, http::Response& res,
                              http::RequestContext& ctx) {
    changeStatus(s, req, res, ctx, storage::AnomalyAction::Acknowledge);
}

void handleResolveAnomaly(Services& s, const http::Request& req, http::Response& res,
                          http::RequestContext& ctx) {
    changeStatus(s, req, res, ctx, storage::AnomalyAction::Resolve);
}

}  // namespace infrasage::api
