#include "api/AuditHandlers.h"

#include "api/PageResponse.h"
#include "api/QueryParams.h"
#include "http/JsonResponse.h"
#include "tenancy/TenantScope.h"

namespace infrasage::api {

namespace {

// Own tenant by default; super_admin may name one tenant.
tenancy::TenantScope oneTenantScope(const http::Request& req, const http::RequestContext& ctx) {
    if (auto tenant = queryParam(req, "tenant_id")) {
        return tenancy::TenantScope::tenantFor(ctx.caller(), *tenant);
    }
    return tenancy::TenantScope::of(ctx.caller());
}

// As oneTenantScope; listing also lets super_admin ask for every tenant.
tenancy::TenantScope auditScope(const http::Request& req, const http::RequestContext& ctx) {
    if (queryParam(req, "all_tenants").value_or("") == "true") {
        return tenancy::TenantScope::allTenantsFor(ctx.caller());
    }
    return oneTenantScope(req, ctx);
}

}  // namespace

void handleAuditList(Services& s, const http::Request& req, http::Response& res,
                     http::RequestContext& ctx) {
    audit::AuditFilter filter;
    filter.actor = queryParam(req, "actor");
    filter.action = queryParam(req, "action");
    filter.outcome = queryParam(req, "outcome");
    filter.since_ms = timeParamMs(req, "since");
    filter.until_ms = timeParamMs(req, "until");
    filter.page_token = queryParam(req, "page_token").value_or("");
    if (auto limit = integerParam(req, "limit", 1, 1000, "invalid_limit")) {
        filter.limit = static_cast<std::size_t>(*limit);
    }
    auto page = s.audit.list(auditScope(req, ctx), filter);
    writePage(res, "entries", page.entries, page.next_page_token);
}

void handleAuditVerify(Services& s, const http::Request& req, http::Response& res,
                       http::RequestContext& ctx) {
    auto scope = oneTenantScope(req, ctx);
    auto result = s.audit.verify(scope);
    nlohmann::json body{{"tenant_id", scope.tenantId()},
                        {"ok", result.ok},
                        {"chains", result.chains},
                        {"entries", result.entries},
                        {"first_broken", nullptr}};
    if (result.first_broken) {
        body["first_broken"] = {{"chain_id", result.first_broken->chain_id},
                                {"seq", result.first_broken->seq},
                                {"reason", result.first_broken->reason}};
    }
    http::writeJson(res, 200, body);
}

}  // namespace infrasage::api
