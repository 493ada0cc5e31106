// http/RequestObserver: called once per routed request after the handler (or the filter that
// refused it) and before the response is sent — so what it records (the audit entry) is durable
// before the client sees the answer. The audit subsystem implements it; http does not know audit.
#pragma once

#include "http/Route.h"

namespace infrasage::http {

class RequestObserver {
  public:
    virtual ~RequestObserver() = default;
    virtual void onComplete(const Route& route, const Request& req, const Response& res,
                            const RequestContext& ctx) = 0;
};

}  // namespace infrasage::http
