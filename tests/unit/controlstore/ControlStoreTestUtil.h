// Test helpers for the control store: fully populated records with distinct values per id, and a
// store opened on a fresh file.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "controlstore/ControlStore.h"
#include "support/TestEnv.h"

namespace infrasage::controlstore::test {

inline Tenant makeTenant(const std::string& id) {
    Tenant tenant;
    tenant.id = id;
    tenant.name = "Tenant " + id;
    tenant.plan = "pro";
    tenant.rps_quota = 250;
    tenant.events_per_month = 1'000'000;
    tenant.max_api_keys = 7;
    tenant.max_users = 9;
    tenant.active = true;
    tenant.created_at = 1'700'000'000;
    return tenant;
}

inline User makeUser(const std::string& id, const std::string& tenant_id,
                     const std::string& email) {
    User user;
    user.id = id;
    user.tenant_id = tenant_id;
    user.email = email;
    user.password_hash = "$argon2id$v=19$m=65536,t=3,p=1$salt$" + id;
    user.role = "operator";
    user.active = true;
    user.created_at = 1'700'000'100;
    user.tokens_valid_after = 1'700'000'050;
    return user;
}

inline ApiKey makeKey(const std::string& id, const std::string& tenant_id) {
    ApiKey key;
    key.id = id;
    key.tenant_id = tenant_id;
    key.name = "agent " + id;
    key.scope = "ingestion";
    key.prefix = "isage_ab";
    key.hash = "hash-" + id;
    key.rate_limit_rps = 50;
    key.created_at = 1'700'000'200;
    key.created_by = "admin@example.com";
    return key;
}

inline RefreshToken makeToken(const std::string& id, const std::string& family_id,
                              const std::string& user_id, const std::string& tenant_id) {
    RefreshToken token;
    token.id = id;
    token.family_id = family_id;
    token.user_id = user_id;
    token.tenant_id = tenant_id;
    token.hash = "rt-hash-" + id;
    token.issued_at = 1'700'000'300;
    token.expires_at = 1'700'086'700;
    return token;
}

inline std::filesystem::path storePath(const std::string& prefix) {
    return infrasage::testing::makeTempDir(prefix) / "control" / "control.db";
}

}  // namespace infrasage::controlstore::test
