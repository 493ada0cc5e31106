#include "http/JsonResponse.h"

namespace infrasage::http {

void writeJson(Response& res, int status, const nlohmann::json& body) {
    res.status = status;
    res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                    "application/json");
}

void writeError(Response& res, int status, const std::string& code, const std::string& message) {
    writeJson(res, status, {{"status", "error"}, {"error", code}, {"message", message}});
}

void writeError(Response& res, const ApiError& error) {
    if (error.retryAfterSeconds() > 0) {
        res.set_header("Retry-After", std::to_string(error.retryAfterSeconds()));
    }
    writeError(res, error.httpStatus(), error.code(), error.what());
}

std::string defaultErrorCode(int status) {
    switch (status) {
        case 400:
            return "bad_request";
        case 401:
            return "unauthorized";
        case 403:
            return "forbidden";
        case 404:
            return "not_found";
        case 405:
            return "method_not_allowed";
        case 408:
            return "request_timeout";
        case 413:
            return "payload_too_large";
        case 414:
            return "uri_too_long";
        case 415:
            return "unsupported_media_type";
        case 429:
            return "rate_limit_exceeded";
        case 503:
            return "unavailable";
        default:
            return status >= 500 ? "internal_error" : "bad_request";
    }
}

}  // namespace infrasage::http
