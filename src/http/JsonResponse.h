// http/JsonResponse: how JSON bodies and errors are written, so every error has the same shape:
// {"status":"error","error":CODE,"message":...}.
#pragma once

#include <nlohmann/json.hpp>

#include "common/ApiError.h"
#include "http/Route.h"

namespace infrasage::http {

void writeJson(Response& res, int status, const nlohmann::json& body);
void writeError(Response& res, const ApiError& error);
void writeError(Response& res, int status, const std::string& code, const std::string& message);

// The error code used for a status that httplib produced by itself (404, 413, 400, ...).
std::string defaultErrorCode(int status);

}  // namespace infrasage::http
