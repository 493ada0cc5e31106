// api/PageResponse: the body of every cursor-paginated list — `{"<items>": [...],
// "next_page_token": "…" | null}`, null on the last page (docs/api/openapi.yaml, the Page schema).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "http/Route.h"

namespace infrasage::api {

void writePage(http::Response& res, const char* items_key, nlohmann::json items,
               const std::string& next_page_token);

}  // namespace infrasage::api
