// api/ServiceHandlers: GET /api/v1/services — the caller's tenant's services (those that sent
// metrics since `since`, default the last 24 h) with their anomaly state.
#pragma once

#include "api/Services.h"
#include "http/Route.h"

namespace infrasage::api {

void handleListServices(Services& s, const http::Request& req, http::Response& res,
                        http::RequestContext& ctx);

}  // namespace infrasage::api
