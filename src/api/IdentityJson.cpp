#include "api/IdentityJson.h"

#include "auth/ApiKeyService.h"

namespace infrasage::api {

namespace {

nlohmann::json optionalTime(const std::optional<int64_t>& t) {
    return t ? nlohmann::json(*t) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json apiKeyJson(const controlstore::ApiKey& key, int64_t now) {
    return {{"key_id", key.id},
            {"name", key.name},
            {"scope", key.scope},
            {"prefix", key.prefix},
            {"tenant_id", key.tenant_id},
            {"rate_limit_rps", key.rate_limit_rps},
            {"expires_at", optionalTime(key.expires_at)},
            {"created_at", key.created_at},
            {"created_by", key.created_by},
            {"last_used_at", optionalTime(key.last_used_at)},
            {"revoked_at", optionalTime(key.revoked_at)},
            {"rotated_from",
             key.rotated_from.empty() ? nlohmann::json(nullptr) : nlohmann::json(key.rotated_from)},
            {"status", auth::apiKeyStatus(key, now)}};
}

nlohmann::json userJson(const controlstore::User& user) {
    return {{"user_id", user.id}, {"tenant_id", user.tenant_id}, {"email", user.email},
            {"role", user.role},  {"active", user.active},       {"created_at", user.created_at}};
}

nlohmann::json tenantJson(const controlstore::Tenant& tenant) {
    return {{"tenant_id", tenant.id},
            {"name", tenant.name},
            {"plan", tenant.plan},
            {"quotas",
             {{"rps", tenant.rps_quota},
              {"events_per_month", tenant.events_per_month},
              {"max_api_keys", tenant.max_api_keys},
              {"max_users", tenant.max_users}}},
            {"active", tenant.active},
            {"created_at", tenant.created_at}};
}

}  // namespace infrasage::api
