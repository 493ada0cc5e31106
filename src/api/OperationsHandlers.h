// api/OperationsHandlers: /healthz (process alive), /readyz (can accept and deliver), /metrics
// (Prometheus text format) and GET /api/v1/status (a summary for operators).
#pragma once

#include "api/Services.h"
#include "http/Route.h"

namespace infrasage::api {

void handleHealthz(const http::Request& req, http::Response& res, http::RequestContext& ctx);
void handleReadyz(Services& services, const http::Request& req, http::Response& res,
                  http::RequestContext& ctx);
void handleMetrics(Services& services, const http::Request& req, http::Response& res,
                   http::RequestContext& ctx);
void handleStatus(Services& services, const http::Request& req, http::Response& res,
                  http::RequestContext& ctx);

}  // namespace infrasage::api
