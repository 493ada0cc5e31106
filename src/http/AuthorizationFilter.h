// http/AuthorizationFilter: applies a route's AccessPolicy to the authenticated principal — the
// role ladder for users, the admitted scopes for API keys (a key never acts above admin), and
// default deny for routes whose policy was never declared.
#pragma once

#include "http/Filter.h"

namespace infrasage::http {

class AuthorizationFilter final : public Filter {
  public:
    std::string_view name() const override { return "authorization"; }
    void onRequest(const Route& route, const Request& req, RequestContext& ctx) override;

    // 0 when allowed, else the status to answer (401 or 403). Pure, for the route-table test.
    static int decide(const AccessPolicy& policy, const std::optional<auth::Principal>& principal);
};

}  // namespace infrasage::http
