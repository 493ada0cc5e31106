// api/Routes: the route table — every endpoint of the server, its method, path and access level,
// in one list. A path that is not here does not exist (404).
#pragma once

#include <vector>

#include "api/Services.h"
#include "http/Route.h"

namespace infrasage::api {

// With `services` null the handlers must not be called: that form exists so tests and tools can
// read the table (methods, paths, policies).
std::vector<http::Route> buildRoutes(Services* services);

}  // namespace infrasage::api
