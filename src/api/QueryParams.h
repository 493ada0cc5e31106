// api/QueryParams: strict reading of query-string parameters for the read endpoints (anomalies,
// services, series): each malformed value is a 400 with a stable code naming the parameter, never
// a silently ignored filter. Times are RFC 3339 or unix milliseconds, as GET /api/v1/audit takes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "http/Route.h"

namespace infrasage::api {

std::optional<std::string> queryParam(const http::Request& req, const char* name);

// RFC 3339 or unix milliseconds, as milliseconds; 400 `invalid_time` otherwise.
std::optional<int64_t> timeParamMs(const http::Request& req, const char* name);

// As timeParamMs, in whole seconds (rounded down) clamped to what a DateTime column holds
// ([0, 2^32) s), so later arithmetic on it cannot overflow.
std::optional<int64_t> timeParamSeconds(const http::Request& req, const char* name);

// A decimal integer in [min, max]; 400 `code` otherwise.
std::optional<int64_t> integerParam(const http::Request& req, const char* name, int64_t min,
                                    int64_t max, const char* code);

// A finite decimal number; 400 `code` otherwise.
std::optional<double> numberParam(const http::Request& req, const char* name, const char* code);

// A present parameter that must not be empty; 400 `missing_<name>` otherwise.
std::string requiredParam(const http::Request& req, const char* name);

}  // namespace infrasage::api
