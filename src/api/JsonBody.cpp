#include "api/JsonBody.h"

#include <algorithm>
#include <limits>

#include "common/ApiError.h"

namespace infrasage::api {

namespace {

constexpr std::size_t kMaxManagementBody = std::size_t{64} * 1024;

ApiError wrongType(const char* field, const char* expected) {
    return ApiError(400, "invalid_field_type",
                    std::string("field '") + field + "' must be " + expected);
}

}  // namespace

JsonBody::JsonBody(std::string_view text, std::initializer_list<std::string_view> allowed) {
    if (text.size() > kMaxManagementBody) {
        throw ApiError(413, "payload_too_large", "management requests are limited to 64 KiB");
    }
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        json_ = nlohmann::json::object();
        return;
    }
    json_ = nlohmann::json::parse(text, nullptr, false);
    if (json_.is_discarded() || !json_.is_object()) {
        throw ApiError(400, "invalid_json", "the body must be a JSON object");
    }
    for (const auto& [key, value] : json_.items()) {
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
            throw ApiError(400, "unknown_field", "unknown field '" + key.substr(0, 64) + "'");
        }
    }
}

std::string JsonBody::requiredString(const char* field) const {
    auto value = optionalString(field);
    if (!value || value->empty()) {
        throw ApiError(400, "missing_field", std::string("field '") + field + "' is required");
    }
    return *value;
}

std::optional<std::string> JsonBody::optionalString(const char* field) const {
    auto it = json_.find(field);
    if (it == json_.end() || it->is_null()) {
        return std::nullopt;
    }
    if (!it->is_string()) {
        throw wrongType(field, "a string");
    }
    return it->get<std::string>();
}

std::optional<int64_t> JsonBody::optionalInteger(const char* field) const {
    auto it = json_.find(field);
    if (it == json_.end() || it->is_null()) {
        return std::nullopt;
    }
    // nlohmann counts unsigned numbers as integers: one above INT64_MAX must not wrap around.
    if (!it->is_number_integer() ||
        (it->is_number_unsigned() &&
         it->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))) {
        throw wrongType(field, "an integer");
    }
    return it->get<int64_t>();
}

std::optional<bool> JsonBody::optionalBool(const char* field) const {
    auto it = json_.find(field);
    if (it == json_.end() || it->is_null()) {
        return std::nullopt;
    }
    if (!it->is_boolean()) {
        throw wrongType(field, "true or false");
    }
    return it->get<bool>();
}

}  // namespace infrasage::api
