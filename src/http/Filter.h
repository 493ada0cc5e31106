// http/Filter: one step of the request pipeline (Envoy-style). Filters run in the order they were
// added, before the route's handler; a filter refuses a request by throwing ApiError. The pipeline
// is the extension point for authorisation, rate limits and audit.
#pragma once

#include <string_view>

#include "http/RequestContext.h"
#include "http/Route.h"

namespace infrasage::http {

class Filter {
  public:
    virtual ~Filter() = default;
    virtual std::string_view name() const = 0;
    virtual void onRequest(const Route& route, const Request& req, RequestContext& ctx) = 0;
};

}  // namespace infrasage::http
