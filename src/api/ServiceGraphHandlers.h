// api/ServiceGraphHandlers: GET /api/v1/services/graph — the caller's tenant's service dependency
// graph from OTLP spans: edges {from, to, calls, errors} for spans whose parent span belongs to
// another service, between `since` (default: 24 h before `until`) and `until` (exclusive; default
// now). Reads through storage/ServiceGraphQuery, scoped by the caller's TenantScope.
#pragma once

#include "api/Services.h"
#include "http/Route.h"

namespace infrasage::api {

void handleServiceGraph(Services& s, const http::Request& req, http::Response& res,
                        http::RequestContext& ctx);

}  // namespace infrasage::api
