#include "api/AuditHandlers.h"

#include <charconv>

#include "http/JsonResponse.h"
#include "ingest/Rfc3339.h"
#include "tenancy/TenantScope.h"

namespace infrasage::api {

namespace {

std::optional<std::string> queryParam(const http::Request& req, const char* name) {
    if (!req.has_param(name)) {
        return std::nullopt;
    }
    return req.get_param_value(name);
}

// RFC 3339 or unix milliseconds.
std::optional<int64_t> timeParam(const http::Request& req, const char* name) {
    auto text = queryParam(req, name);
    if (!text) {
        return std::nullopt;
    }
    if (auto nanos = ingest::parseRfc3339Nanos(*text)) {
        return *nanos / 1'000'000;
    }
    int64_t ms = 0;
    auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), ms);
    if (ec != std::errc() || ptr != text->data() + text->size() || ms < 0) {
        throw ApiError(400, "invalid_time", std::string(name) + " must be RFC 3339 or unix ms");
    }
    return ms;
}

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
    filter.since_ms = timeParam(req, "since");
    filter.until_ms = timeParam(req, "until");
    filter.page_token = queryParam(req, "page_token").value_or("");
    if (auto limit = queryParam(req, "limit")) {
        std::size_t n = 0;
        auto [ptr, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), n);
        if (ec != std::errc() || ptr != limit->data() + limit->size() || n == 0 || n > 1000) {
            throw ApiError(400, "invalid_limit", "limit must be 1 to 1000");
        }
        filter.limit = n;
    }
    auto page = s.audit.list(auditScope(req, ctx), filter);
    nlohmann::json entries = page.entries;
    http::writeJson(
        res, 200,
        {{"entries", entries},
         {"next_page_token", page.next_page_token.empty() ? nlohmann::json(nullptr)
                                                          : nlohmann::json(page.next_page_token)}});
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
