// api/PrometheusHandlers: POST /api/v1/prometheus/write — Prometheus remote write 1.0 and 2.0 on
// one endpoint, told apart by the Content-Type's `proto` parameter. Checks the protocol headers,
// decodes the snappy protobuf body (ingest/RemoteWriteDecoder) and hands the
// series to the sample ingestion path (ingest/SampleIngestService). Answers what Prometheus
// expects: 204 when the request is durable (dropped samples — stale markers, NaN, out-of-window
// timestamps — are counted, not failed, so Prometheus neither resends nor drops the good ones),
// 400 for a malformed payload (Prometheus drops it), 413 too large, 415 a wrong Content-Type or an
// unknown message type, 429/503 with Retry-After (Prometheus retries). 2.0 answers also carry the
// X-Prometheus-Remote-Write-*-Written headers, and follow 2.0's rule that samples or native
// histogram samples not written make the answer a 400 (the rest is written; histograms are not
// stored yet, exemplars are not stored and not an error). 1.0's native histograms are counted in
// infrasage_ingest_records_rejected_total{error="native_histogram_unsupported"}.
#pragma once

#include "api/Services.h"
#include "http/Route.h"

namespace infrasage::api {

void handlePrometheusWrite(Services& services, const http::Request& req, http::Response& res,
                           http::RequestContext& ctx);

}  // namespace infrasage::api
