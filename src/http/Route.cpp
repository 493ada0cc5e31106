#include "http/Route.h"

#include "common/ApiError.h"

namespace infrasage::http {

std::string pathParam(const Request& req, std::size_t n) {
    if (n >= req.matches.size()) {
        throw ApiError(404, "not_found", "no such resource");
    }
    return req.matches[n].str();
}

}  // namespace infrasage::http
