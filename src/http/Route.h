// http/Route: a route is a method, a path, who may call it, and the handler. Every endpoint is
// declared as one in api/Routes.cpp, so the pipeline — not the handler — decides about
// authentication and authorisation. A route without a policy is refused (default deny).
#pragma once

#include <httplib.h>

#include <functional>
#include <string>

#include "auth/Roles.h"
#include "http/RequestContext.h"

namespace infrasage::http {

using Request = httplib::Request;
using Response = httplib::Response;
using Handler = std::function<void(const Request&, Response&, RequestContext&)>;

// Bit set of the API-key scopes a route admits.
enum KeyScope : unsigned {
    kNoKeys = 0,
    kIngestionKeys = 1U << 0U,
    kReadOnlyKeys = 1U << 1U,
    kFullKeys = 1U << 2U,
};

struct AccessPolicy {
    enum class Kind {
        Undeclared,     // default: refused for everyone
        Public,         // probes and login: no credentials needed
        Authenticated,  // a user of at least min_role, or a key whose scope is admitted
    };
    Kind kind = Kind::Undeclared;
    auth::Role min_role = auth::Role::System;
    unsigned key_scopes = kNoKeys;
    std::string action;  // audit action name, e.g. "apikey.create"

    static AccessPolicy open(std::string action) {
        return {Kind::Public, auth::Role::Viewer, kNoKeys, std::move(action)};
    }
    static AccessPolicy users(auth::Role min_role, unsigned key_scopes, std::string action) {
        return {Kind::Authenticated, min_role, key_scopes, std::move(action)};
    }
};

struct Route {
    std::string method;  // GET, POST, PATCH, DELETE
    std::string
        path;  // literal segments; `{name}` matches one segment, e.g. /api/v1/apikeys/{key_id}
    AccessPolicy policy;
    Handler handler;
};

// The value of the n-th `{param}` of the matched path (1-based), URL-decoded by httplib.
std::string pathParam(const Request& req, std::size_t n);

}  // namespace infrasage::http
