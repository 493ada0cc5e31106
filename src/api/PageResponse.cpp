#include "api/PageResponse.h"

#include <utility>

#include "http/JsonResponse.h"

namespace infrasage::api {

void writePage(http::Response& res, const char* items_key, nlohmann::json items,
               const std::string& next_page_token) {
    http::writeJson(
        res, 200,
        {{items_key, std::move(items)},
         {"next_page_token",
          next_page_token.empty() ? nlohmann::json(nullptr) : nlohmann::json(next_page_token)}});
}

}  // namespace infrasage::api
