// api/IdentityHandlers: the identity endpoints of PRODUCT.md §2 — login/refresh/logout/me, API
// keys, users and tenants. Each handler takes its tenant from the caller's TenantScope only; the
// route table decides who may call it.
#pragma once

#include "api/Services.h"
#include "http/Route.h"

namespace infrasage::api {

void handleLogin(Services& s, const http::Request& req, http::Response& res,
                 http::RequestContext& ctx);
void handleRefresh(Services& s, const http::Request& req, http::Response& res,
                   http::RequestContext& ctx);
void handleLogout(Services& s, const http::Request& req, http::Response& res,
                  http::RequestContext& ctx);
void handleMe(Services& s, const http::Request& req, http::Response& res,
              http::RequestContext& ctx);

void handleCreateApiKey(Services& s, const http::Request& req, http::Response& res,
                        http::RequestContext& ctx);
void handleListApiKeys(Services& s, const http::Request& req, http::Response& res,
                       http::RequestContext& ctx);
void handleGetApiKey(Services& s, const http::Request& req, http::Response& res,
                     http::RequestContext& ctx);
void handleRevokeApiKey(Services& s, const http::Request& req, http::Response& res,
                        http::RequestContext& ctx);
void handleRotateApiKey(Services& s, const http::Request& req, http::Response& res,
                        http::RequestContext& ctx);

void handleCreateUser(Services& s, const http::Request& req, http::Response& res,
                      http::RequestContext& ctx);
void handleListUsers(Services& s, const http::Request& req, http::Response& res,
                     http::RequestContext& ctx);
void handleGetUser(Services& s, const http::Request& req, http::Response& res,
                   http::RequestContext& ctx);
void handleUpdateUser(Services& s, const http::Request& req, http::Response& res,
                      http::RequestContext& ctx);

void handleCreateTenant(Services& s, const http::Request& req, http::Response& res,
                        http::RequestContext& ctx);
void handleListTenants(Services& s, const http::Request& req, http::Response& res,
                       http::RequestContext& ctx);
void handleGetTenant(Services& s, const http::Request& req, http::Response& res,
                     http::RequestContext& ctx);
void handleUpdateTenant(Services& s, const http::Request& req, http::Response& res,
                        http::RequestContext& ctx);

}  // namespace infrasage::api
