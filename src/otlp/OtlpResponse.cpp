#include "otlp/OtlpResponse.h"

#include <google/protobuf/util/json_util.h>
#include <simdjson.h>

#include "infrasage_otlp_responses.pb.h"

namespace infrasage::otlp {

namespace {

namespace pb = infrasage::otlp::v1;

std::string serialize(const google::protobuf::Message& message, Encoding encoding) {
    if (encoding == Encoding::Protobuf) {
        return message.SerializeAsString();
    }
    std::string json;
    // The messages hold only numbers and UTF-8 text the server wrote, so this cannot fail.
    (void)google::protobuf::util::MessageToJsonString(message, &json);
    return json;
}

// Messages are server text about validated input; protobuf string fields must be UTF-8 anyway.
std::string validUtf8(std::string_view text) {
    if (simdjson::validate_utf8(text.data(), text.size())) {
        return std::string(text);
    }
    return "(message withheld: not valid UTF-8)";
}

}  // namespace

std::string exportResponseBody(Signal signal, uint64_t rejected, std::string_view error_message,
                               Encoding encoding) {
    const auto count = static_cast<int64_t>(rejected);
    const std::string message = validUtf8(error_message);
    switch (signal) {
        case Signal::Metrics: {
            pb::ExportMetricsServiceResponse response;
            if (rejected > 0 || !message.empty()) {
                response.mutable_partial_success()->set_rejected_data_points(count);
                response.mutable_partial_success()->set_error_message(message);
            }
            return serialize(response, encoding);
        }
        case Signal::Traces: {
            pb::ExportTraceServiceResponse response;
            if (rejected > 0 || !message.empty()) {
                response.mutable_partial_success()->set_rejected_spans(count);
                response.mutable_partial_success()->set_error_message(message);
            }
            return serialize(response, encoding);
        }
        case Signal::Logs:
            break;
    }
    pb::ExportLogsServiceResponse response;
    if (rejected > 0 || !message.empty()) {
        response.mutable_partial_success()->set_rejected_log_records(count);
        response.mutable_partial_success()->set_error_message(message);
    }
    return serialize(response, encoding);
}

std::string statusBody(int grpc_code, std::string_view message, Encoding encoding) {
    pb::Status status;
    status.set_code(grpc_code);
    status.set_message(validUtf8(message));
    return serialize(status, encoding);
}

int grpcCodeForHttpStatus(int http_status) {
    switch (http_status) {
        case 400:
        case 413:
        case 415:
            return 3;  // INVALID_ARGUMENT
        case 401:
            return 16;  // UNAUTHENTICATED
        case 403:
            return 7;  // PERMISSION_DENIED
        case 429:
            return 8;  // RESOURCE_EXHAUSTED
        case 503:
            return 14;  // UNAVAILABLE
        default:
            return 13;  // INTERNAL
    }
}

}  // namespace infrasage::otlp
