#include "http/AuthenticationFilter.h"

namespace infrasage::http {

void AuthenticationFilter::onRequest(const Route& route, const Request& req, RequestContext& ctx) {
    if (route.policy.kind == AccessPolicy::Kind::Public) {
        return;
    }
    auth::Credentials credentials{req.get_header_value("Authorization"),
                                  req.get_header_value("X-API-Key"), ctx.client_ip};
    auto outcome = authenticator_.authenticate(credentials);
    ctx.principal = std::move(outcome.principal);
    if (!ctx.principal) {
        ctx.auth_failure = outcome.failure;
        ctx.audit_actor = outcome.actor_hint;
        ctx.audit_tenant = outcome.tenant_hint;
        ctx.audit_actor_type = outcome.actor_type_hint;
        // One answer for every failure: which check failed is for the audit log, not the caller.
        throw ApiError(401, "unauthorized", "missing or invalid credentials");
    }
}

}  // namespace infrasage::http
