#include "api/IdentityHandlers.h"

#include "api/IdentityJson.h"
#include "api/JsonBody.h"
#include "auth/Roles.h"
#include "http/JsonResponse.h"
#include "tenancy/TenantScope.h"

namespace infrasage::api {

namespace {

int64_t nowSeconds(const Services& s) {
    return s.clock.nowNanos() / 1'000'000'000;
}

// The caller's own tenant: the only tenant identity handlers of a tenant act on.
std::string ownTenant(const http::RequestContext& ctx) {
    return tenancy::TenantScope::of(ctx.caller()).tenantId();
}

auth::Role callerRole(const http::RequestContext& ctx) {
    const auto& caller = ctx.caller();
    if (caller.actor_type == auth::ActorType::ApiKey) {
        return auth::roleForScope(caller.scope);  // a full key is never more than an admin
    }
    return auth::parseRole(caller.role).value_or(auth::Role::Viewer);
}

nlohmann::json tokenJson(const auth::TokenPair& pair) {
    return {{"access_token", pair.access_token},
            {"token_type", "Bearer"},
            {"expires_in", pair.expires_in},
            {"refresh_token", pair.refresh_token},
            {"refresh_expires_in", pair.refresh_expires_in}};
}

nlohmann::json createdKeyJson(const auth::CreatedApiKey& created, int64_t now) {
    auto body = apiKeyJson(created.key, now);
    body["secret"] = created.secret;  // shown once
    return body;
}

}  // namespace

void handleLogin(Services& s, const http::Request&, http::Response& res,
                 http::RequestContext& ctx) {
    JsonBody body(ctx.body, {"email", "password"});
    auto email = body.requiredString("email");
    ctx.audit_actor = email.substr(0, 254);
    ctx.audit_actor_type = "user";
    ctx.audit_tenant = s.auth.tenantOfAccount(email).value_or("");
    auto pair = s.auth.login(email, body.requiredString("password"), ctx.client_ip);
    http::writeJson(res, 200, tokenJson(pair));
}

void handleRefresh(Services& s, const http::Request&, http::Response& res,
                   http::RequestContext& ctx) {
    JsonBody body(ctx.body, {"refresh_token"});
    auto pair = s.auth.refresh(body.requiredString("refresh_token"));
    ctx.audit_tenant = pair.tenant_id;
    ctx.audit_actor = pair.email;
    ctx.audit_actor_type = "user";
    http::writeJson(res, 200, tokenJson(pair));
}

void handleLogout(Services& s, const http::Request&, http::Response& res,
                  http::RequestContext& ctx) {
    JsonBody body(ctx.body, {"refresh_token"});
    s.auth.logout(ctx.caller(), body.optionalString("refresh_token").value_or(""));
    http::writeJson(res, 200, {{"status", "ok"}});
}

void handleMe(Services&, const http::Request&, http::Response& res, http::RequestContext& ctx) {
    const auto& caller = ctx.caller();
    nlohmann::json body{{"tenant_id", caller.tenant_id},
                        {"actor", caller.actor},
                        {"actor_type", auth::actorTypeName(caller.actor_type)},
                        {"role", caller.role}};
    if (caller.actor_type == auth::ActorType::ApiKey) {
        body["scope"] = auth::scopeName(caller.scope);
    } else {
        body["email"] = caller.actor;
        body["user_id"] = caller.user_id;
    }
    http::writeJson(res, 200, body);
}

void handleCreateApiKey(Services& s, const http::Request&, http::Response& res,
                        http::RequestContext& ctx) {
    JsonBody body(ctx.body, {"name", "scope", "rate_limit_rps", "expires_in"});
    auth::ApiKeyRequest request;
    request.name = body.requiredString("name");
    request.scope = body.requiredString("scope");
    request.rate_limit_rps = body.optionalInteger("rate_limit_rps").value_or(0);
    if (auto expires = body.optionalString("expires_in")) {
        request.expires_in_seconds = auth::parseDurationSeconds(*expires);
        if (!request.expires_in_seconds) {
            throw ApiError(400, "invalid_expiry", "expires_in must look like 90d, 12h or 3600s");
        }
    }
    auto created = s.api_keys.create(ownTenant(ctx), ctx.caller().actor, request);
    ctx.audit_resource = created.key.id;
    http::writeJson(res, 201, createdKeyJson(created, nowSeconds(s)));
}

void handleListApiKeys(Services& s, const http::Request&, http::Response& res,
                       http::RequestContext& ctx) {
    auto list = nlohmann::json::array();
    for (const auto& key : s.api_keys.list(ownTenant(ctx))) {
        list.push_back(apiKeyJson(key, nowSeconds(s)));
    }
    http::writeJson(res, 200, {{"api_keys", list}});
}

void handleGetApiKey(Services& s, const http::Request& req, http::Response& res,
                     http::RequestContext& ctx) {
    ctx.audit_resource = http::pathParam(req, 1);
    http::writeJson(res, 200,
                    apiKeyJson(s.api_keys.get(ownTenant(ctx), ctx.audit_resource), nowSeconds(s)));
}

void handleRevokeApiKey(Services& s, const http::Request& req, http::Response& res,
                        http::RequestContext& ctx) {
    ctx.audit_resource = http::pathParam(req, 1);
    auto key = s.api_keys.revoke(ownTenant(ctx), ctx.audit_resource);
    http::writeJson(res, 200, apiKeyJson(key, nowSeconds(s)));
}

void handleRotateApiKey(Services& s, const http::Request& req, http::Response& res,
                        http::RequestContext& ctx) {
    ctx.audit_resource = http::pathParam(req, 1);
    auto created = s.api_keys.rotate(ownTenant(ctx), ctx.caller().actor, ctx.audit_resource);
    http::writeJson(res, 201, createdKeyJson(created, nowSeconds(s)));
}

void handleCreateUser(Services& s, const http::Request&, http::Response& res,
                      http::RequestContext& ctx) {
    JsonBody body(ctx.body, {"email", "password", "role"});
    auto user = s.users.create(ownTenant(ctx), callerRole(ctx), body.requiredString("email"),
                               body.requiredString("password"),
                               body.optionalString("role").value_or("viewer"));
    ctx.audit_resource = user.id;
    http::writeJson(res, 201, userJson(user));
}

void handleListUsers(Services& s, const http::Request&, http::Response& res,
                     http::RequestContext& ctx) {
    auto list = nlohmann::json::array();
    for (const auto& user : s.users.list(ownTenant(ctx))) {
        list.push_back(userJson(user));
    }
    http::writeJson(res, 200, {{"users", list}});
}

void handleGetUser(Services& s, const http::Request& req, http::Response& res,
                   http::RequestContext& ctx) {
    ctx.audit_resource = http::pathParam(req, 1);
    http::writeJson(res, 200, userJson(s.users.get(ownTenant(ctx), ctx.audit_resource)));
}

void handleUpdateUser(Services& s, const http::Request& req, http::Response& res,
                      http::RequestContext& ctx) {
    ctx.audit_resource = http::pathParam(req, 1);
    JsonBody body(ctx.body, {"active", "role", "password"});
    auth::UserChange change{body.optionalBool("active"), body.optionalString("role"),
                            body.optionalString("password")};
    auto user = s.users.update(ownTenant(ctx), callerRole(ctx), ctx.audit_resource, change);
    http::writeJson(res, 200, userJson(user));
}

namespace {

tenancy::TenantChange tenantChange(const JsonBody& body) {
    tenancy::TenantChange change;
    change.name = body.optionalString("name");
    change.plan = body.optionalString("plan");
    change.rps_quota = body.optionalInteger("rps_quota");
    change.events_per_month = body.optionalInteger("events_per_month");
    change.max_api_keys = body.optionalInteger("max_api_keys");
    change.max_users = body.optionalInteger("max_users");
    change.active = body.optionalBool("active");
    return change;
}

}  // namespace

void handleCreateTenant(Services& s, const http::Request&, http::Response& res,
                        http::RequestContext& ctx) {
    JsonBody body(ctx.body, {"tenant_id", "name", "plan", "rps_quota", "events_per_month",
                             "max_api_keys", "max_users", "active"});
    ctx.audit_resource = body.requiredString("tenant_id");
    http::writeJson(res, 201, tenantJson(s.tenants.create(ctx.audit_resource, tenantChange(body))));
}

void handleListTenants(Services& s, const http::Request&, http::Response& res,
                       http::RequestContext& ctx) {
    tenancy::TenantScope::allTenantsFor(ctx.caller());
    auto list = nlohmann::json::array();
    for (const auto& tenant : s.tenants.list()) {
        list.push_back(tenantJson(tenant));
    }
    http::writeJson(res, 200, {{"tenants", list}});
}

void handleGetTenant(Services& s, const http::Request& req, http::Response& res,
                     http::RequestContext& ctx) {
    auto scope = tenancy::TenantScope::tenantFor(ctx.caller(), http::pathParam(req, 1));
    ctx.audit_resource = scope.tenantId();
    http::writeJson(res, 200, tenantJson(s.tenants.get(scope.tenantId())));
}

void handleUpdateTenant(Services& s, const http::Request& req, http::Response& res,
                        http::RequestContext& ctx) {
    auto scope = tenancy::TenantScope::tenantFor(ctx.caller(), http::pathParam(req, 1));
    ctx.audit_resource = scope.tenantId();
    JsonBody body(ctx.body, {"name", "plan", "rps_quota", "events_per_month", "max_api_keys",
                             "max_users", "active"});
    http::writeJson(res, 200, tenantJson(s.tenants.update(scope.tenantId(), tenantChange(body))));
}

}  // namespace infrasage::api
