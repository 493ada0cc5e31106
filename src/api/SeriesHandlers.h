// api/SeriesHandlers: GET /api/v1/metrics/series — one metric series of the caller's tenant as
// per-step averages, each point with the expected value, band and anomaly score of
// detect::Ensemble (the Watchdog's detector) run over the points in order, for charts. The answer
// does not echo the service and metric asked for: the client knows them, and every string in an
// answer is then the tenant's own data.
#pragma once

#include "api/Services.h"
#include "http/Route.h"

namespace infrasage::api {

void handleMetricSeries(Services& s, const http::Request& req, http::Response& res,
                        http::RequestContext& ctx);

}  // namespace infrasage::api
