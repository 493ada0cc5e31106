#include "http/AuthorizationFilter.h"

namespace infrasage::http {

namespace {

unsigned scopeBit(auth::Scope scope) {
    switch (scope) {
        case auth::Scope::Ingestion:
            return kIngestionKeys;
        case auth::Scope::ReadOnly:
            return kReadOnlyKeys;
        case auth::Scope::Full:
            return kFullKeys;
        case auth::Scope::None:
            return kNoKeys;
    }
    return kNoKeys;
}

}  // namespace

int AuthorizationFilter::decide(const AccessPolicy& policy,
                                const std::optional<auth::Principal>& principal) {
    using Kind = AccessPolicy::Kind;
    if (policy.kind == Kind::Public) {
        return 0;
    }
    if (policy.kind == Kind::Undeclared) {
        return principal ? 403 : 401;
    }
    if (!principal) {
        return 401;
    }
    auto role = auth::parseRole(principal->role);
    if (!role) {
        return 403;
    }
    if (principal->actor_type == auth::ActorType::ApiKey) {
        if ((policy.key_scopes & scopeBit(principal->scope)) == 0) {
            return 403;
        }
        role = auth::roleForScope(principal->scope);
    }
    return static_cast<int>(*role) >= static_cast<int>(policy.min_role) ? 0 : 403;
}

void AuthorizationFilter::onRequest(const Route& route, const Request&, RequestContext& ctx) {
    switch (decide(route.policy, ctx.principal)) {
        case 0:
            return;
        case 401:
            throw ApiError(401, "unauthorized", "missing or invalid credentials");
        default:
            throw ApiError(403, "forbidden", "the credentials used may not call this endpoint");
    }
}

}  // namespace infrasage::http
