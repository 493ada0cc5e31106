// api/OtlpHandlers: OTLP/HTTP — POST /v1/metrics, /v1/traces, /v1/logs. Content-Type
// application/x-protobuf or application/json (else 415), Content-Encoding gzip or identity (else
// 415; the HTTP pipeline inflates gzip under the body size limit: 413 beyond it, 400 for a broken
// stream). 200 answers are the Export*ServiceResponse in the request's encoding, with
// partial_success when some items were refused; a request none of whose items could be accepted
// is 400 `invalid_records`. Errors these handlers raise (400, 413, 415, 503 + Retry-After) carry a
// google.rpc.Status body in the request's encoding (for JSON merged with the usual
// {"status":"error","error":CODE,"message":...}); errors of the pipeline before them (401, 403,
// 413, 429) keep the JSON error shape.
#pragma once

#include "api/Services.h"
#include "http/Route.h"

namespace infrasage::api {

void handleOtlpMetrics(Services& s, const http::Request& req, http::Response& res,
                       http::RequestContext& ctx);
void handleOtlpTraces(Services& s, const http::Request& req, http::Response& res,
                      http::RequestContext& ctx);
void handleOtlpLogs(Services& s, const http::Request& req, http::Response& res,
                    http::RequestContext& ctx);

}  // namespace infrasage::api
