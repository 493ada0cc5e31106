// api/IdentityJson: how identity objects appear in responses. Hashes never leave the server; an
// API key's secret appears only in the response that created or rotated it.
#pragma once

#include <nlohmann/json.hpp>

#include "controlstore/ControlStore.h"

namespace infrasage::api {

nlohmann::json apiKeyJson(const controlstore::ApiKey& key, int64_t now);
nlohmann::json userJson(const controlstore::User& user);
nlohmann::json tenantJson(const controlstore::Tenant& tenant);

}  // namespace infrasage::api
