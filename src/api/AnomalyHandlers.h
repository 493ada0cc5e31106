// api/AnomalyHandlers: GET /api/v1/anomalies (filters, cursor pagination, newest first),
// GET /api/v1/anomalies/{id}, POST /api/v1/anomalies/{id}/acknowledge and /resolve. Always the
// caller's own tenant: another tenant's id answers 404 exactly like an unknown one.
#pragma once

#include "api/Services.h"
#include "http/Route.h"

namespace infrasage::api {

void handleListAnomalies(Services& s, const http::Request& req, http::Response& res,
                         http::RequestContext& ctx);
void handleGetAnomaly(Services& s, const http::Request& req, http::Response& res,
                      http::RequestContext& ctx);
void handleAcknowledgeAnomaly(Services& s, const http::Request& req, http::Response& res,
                              http::RequestContext& ctx);
void handleResolveAnomaly(Services& s, const http::Request& req, http::Response& res,
                          http::RequestContext& ctx);

}  // namespace infrasage::api
