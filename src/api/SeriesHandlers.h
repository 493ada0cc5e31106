// api/SeriesHandlers: GET /api/v1/metrics/series — one metric series of the caller's tenant as
// per-step averages, each point with the expected value, band and anomaly score of
// detect::Ensemble (the Watchdog's detector) run over the points in order, for charts.
#pragma once

#include "api/Services.h"
#include "http/Route.h"

namespace infrasage::api {

void handleMetricSeries(Services& s, const http::Request& req, http::Response& res,
                        http::RequestContext& ctx);

}  // namespace infrasage::api
