// otlp/OtlpResponse: the bodies OTLP/HTTP answers with, in the request's encoding — an
// Export*ServiceResponse (empty on full success, partial_success with the rejected count and the
// first error message otherwise), and google.rpc.Status for errors the OTLP handlers raise.
// The messages are the project's own infrasage_otlp_responses.proto (OTLP v1 field numbers; the
// packaged v0.19 definitions have no partial_success).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "otlp/OtlpEncoding.h"

namespace infrasage::otlp {

enum class Signal { Metrics, Traces, Logs };

std::string exportResponseBody(Signal signal, uint64_t rejected, std::string_view error_message,
                               Encoding encoding);

// google.rpc.Status {code, message}; `grpc_code` as OTLP/HTTP maps HTTP statuses.
std::string statusBody(int grpc_code, std::string_view message, Encoding encoding);

// The gRPC code for an HTTP error status (400 INVALID_ARGUMENT, 413 RESOURCE_EXHAUSTED, 429
// RESOURCE_EXHAUSTED, 503 UNAVAILABLE, ...).
int grpcCodeForHttpStatus(int http_status);

}  // namespace infrasage::otlp
