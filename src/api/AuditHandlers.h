// api/AuditHandlers: GET /api/v1/audit (filters, cursor pagination; own tenant, or every tenant
// for super_admin asking with all_tenants=true, or one named tenant) and GET /api/v1/audit/verify.
#pragma once

#include "api/Services.h"
#include "http/Route.h"

namespace infrasage::api {

void handleAuditList(Services& s, const http::Request& req, http::Response& res,
                     http::RequestContext& ctx);
void handleAuditVerify(Services& s, const http::Request& req, http::Response& res,
                       http::RequestContext& ctx);

}  // namespace infrasage::api
