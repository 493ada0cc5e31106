// http/Route: a route is a method, a path, who may call it, and the handler. Every endpoint is
// declared as one, so the pipeline — not the handler — decides about authentication.
#pragma once

#include <httplib.h>

#include <functional>
#include <string>

#include "http/RequestContext.h"

namespace infrasage::http {

using Request = httplib::Request;
using Response = httplib::Response;
using Handler = std::function<void(const Request&, Response&, RequestContext&)>;

enum class Access {
    Public,         // health and metrics probes
    Authenticated,  // any authenticated principal, scoped to its tenant
};

struct Route {
    std::string method;  // GET, POST, ...
    std::string path;    // literal path, e.g. /api/v1/telemetry/batch
    Access access = Access::Authenticated;
    Handler handler;
};

}  // namespace infrasage::http
