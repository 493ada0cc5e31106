// api/PrometheusHandlers: POST /api/v1/prometheus/write — Prometheus remote write 1.0. Checks the
// protocol headers, decodes the snappy protobuf body (ingest/RemoteWriteDecoder) and hands the
// series to the sample ingestion path (ingest/SampleIngestService). Answers what Prometheus
// expects: 204 when the request is durable (dropped samples — stale markers, NaN, out-of-window
// timestamps — are counted, not failed, so Prometheus neither resends nor drops the good ones),
// 400 for a malformed payload (Prometheus drops it), 413 too large, 415 a wrong Content-Type or a
// remote write 2.0 body, 429/503 with Retry-After (Prometheus retries).
#pragma once

#include "api/Services.h"
#include "http/Route.h"

namespace infrasage::api {

void handlePrometheusWrite(Services& services, const http::Request& req, http::Response& res,
                           http::RequestContext& ctx);

}  // namespace infrasage::api
