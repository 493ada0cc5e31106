// api/TelemetryHandlers: POST /api/v1/telemetry, POST /api/v1/telemetry/batch and
// GET /api/v1/telemetry-types.
#pragma once

#include "api/Services.h"
#include "http/Route.h"

namespace infrasage::api {

void handleTelemetryOne(Services& services, const http::Request& req, http::Response& res,
                        http::RequestContext& ctx);
void handleTelemetryBatch(Services& services, const http::Request& req, http::Response& res,
                          http::RequestContext& ctx);
void handleTelemetryTypes(const http::Request& req, http::Response& res, http::RequestContext& ctx);

}  // namespace infrasage::api
