#include "http/AuthenticationFilter.h"

namespace infrasage::http {

void AuthenticationFilter::onRequest(const Route& route, const Request& req, RequestContext& ctx) {
    if (route.access == Access::Public) {
        return;
    }
    auth::Credentials credentials{req.get_header_value("Authorization"),
                                  req.get_header_value("X-API-Key"), ctx.client_ip};
    ctx.principal = authenticator_->authenticate(credentials);
    if (!ctx.principal) {
        throw ApiError(401, "unauthorized", "missing or invalid credentials");
    }
}

}  // namespace infrasage::http
