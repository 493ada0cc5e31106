#include "api/Routes.h"

#include "api/OperationsHandlers.h"
#include "api/TelemetryHandlers.h"

namespace infrasage::api {

namespace {

// Binds a handler that needs the services to the (request, response, context) shape.
template <typename Fn>
http::Handler with(Services& s, Fn fn) {
    return [&s, fn](const http::Request& req, http::Response& res, http::RequestContext& ctx) {
        fn(s, req, res, ctx);
    };
}

}  // namespace

std::vector<http::Route> buildRoutes(Services& s) {
    using http::Access;
    return {
        {"GET", "/healthz", Access::Public, handleHealthz},
        {"GET", "/readyz", Access::Public, with(s, handleReadyz)},
        {"GET", "/metrics", Access::Public, with(s, handleMetrics)},
        {"GET", "/api/v1/status", Access::Authenticated, with(s, handleStatus)},
        {"GET", "/api/v1/telemetry-types", Access::Authenticated, handleTelemetryTypes},
        {"POST", "/api/v1/telemetry", Access::Authenticated, with(s, handleTelemetryOne)},
        {"POST", "/api/v1/telemetry/batch", Access::Authenticated, with(s, handleTelemetryBatch)},
    };
}

}  // namespace infrasage::api
