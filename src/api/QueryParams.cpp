#include "api/QueryParams.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "common/ApiError.h"
#include "ingest/Rfc3339.h"

namespace infrasage::api {

std::optional<std::string> queryParam(const http::Request& req, const char* name) {
    if (!req.has_param(name)) {
        return std::nullopt;
    }
    return req.get_param_value(name);
}

std::optional<int64_t> timeParamMs(const http::Request& req, const char* name) {
    auto text = queryParam(req, name);
    if (!text) {
        return std::nullopt;
    }
    if (auto nanos = ingest::parseRfc3339Nanos(*text)) {
        return *nanos / 1'000'000;
    }
    int64_t ms = 0;
    auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), ms);
    if (text->empty() || ec != std::errc() || ptr != text->data() + text->size() || ms < 0) {
        throw ApiError(400, "invalid_time", std::string(name) + " must be RFC 3339 or unix ms");
    }
    return ms;
}

std::optional<int64_t> timeParamSeconds(const http::Request& req, const char* name) {
    auto ms = timeParamMs(req, name);
    if (!ms) {
        return std::nullopt;
    }
    return std::min<int64_t>(*ms / 1000, std::numeric_limits<uint32_t>::max());
}

std::optional<int64_t> integerParam(const http::Request& req, const char* name, int64_t min,
                                    int64_t max, const char* code) {
    auto text = queryParam(req, name);
    if (!text) {
        return std::nullopt;
    }
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (text->empty() || ec != std::errc() || ptr != text->data() + text->size() || value < min ||
        value > max) {
        throw ApiError(400, code,
                       std::string(name) + " must be an integer from " + std::to_string(min) +
                           " to " + std::to_string(max));
    }
    return value;
}

std::optional<double> numberParam(const http::Request& req, const char* name, const char* code) {
    auto text = queryParam(req, name);
    if (!text) {
        return std::nullopt;
    }
    double value = 0.0;
    auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (text->empty() || ec != std::errc() || ptr != text->data() + text->size() ||
        !std::isfinite(value)) {
        throw ApiError(400, code, std::string(name) + " must be a number");
    }
    return value;
}

std::string requiredParam(const http::Request& req, const char* name) {
    auto value = queryParam(req, name);
    if (!value || value->empty()) {
        throw ApiError(400, std::string("missing_") + name, std::string(name) + " is required");
    }
    return *value;
}

}  // namespace infrasage::api
