// api/JsonBody: strict reading of the small JSON bodies of the management API (login, keys, users,
// tenants): an object, only the listed fields, each of the right type — else 400 with a stable
// code.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace infrasage::api {

class JsonBody {
  public:
    // Parses `text` as a JSON object whose keys are all in `allowed` (400 invalid_json /
    // unknown_field otherwise). An empty body is an empty object.
    JsonBody(std::string_view text, std::initializer_list<std::string_view> allowed);

    std::string requiredString(const char* field) const;
    std::optional<std::string> optionalString(const char* field) const;
    std::optional<int64_t> optionalInteger(const char* field) const;
    std::optional<bool> optionalBool(const char* field) const;

  private:
    nlohmann::json json_;
};

}  // namespace infrasage::api
