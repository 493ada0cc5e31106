// auth/ApiKeyService: the API-key lifecycle of PRODUCT.md §2 — create (secret returned once),
// list, get, revoke (effective at once on this node, within the identity cache TTL elsewhere) and
// rotate (a successor with the same name, scope and limits; the old key is revoked in the same
// transaction: the seed's incident-response flow in one call; a key already revoked gets its
// replacement the same way). Every call names its tenant.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auth/ApiKeySecret.h"
#include "common/Clock.h"
#include "controlstore/ControlStore.h"

namespace infrasage::auth {

struct ApiKeyRequest {
    std::string name;
    std::string scope;  // ingestion | readonly | full
    int64_t rate_limit_rps = 0;
    std::optional<int64_t> expires_in_seconds;
};

struct CreatedApiKey {
    controlstore::ApiKey key;
    std::string secret;  // shown once
};

class ApiKeyService {
  public:
    ApiKeyService(controlstore::ControlStore& store, const ApiKeyHasher& hasher, const Clock& clock,
                  std::function<void()> on_revocation);

    // Throws ApiError 400 (invalid_name, invalid_scope, invalid_rate_limit, invalid_expiry),
    // 409 quota_exceeded.
    CreatedApiKey create(const std::string& tenant_id, const std::string& created_by,
                         const ApiKeyRequest& request);
    std::vector<controlstore::ApiKey> list(const std::string& tenant_id);
    controlstore::ApiKey get(const std::string& tenant_id, const std::string& key_id);  // 404
    controlstore::ApiKey revoke(const std::string& tenant_id, const std::string& key_id);
    CreatedApiKey rotate(const std::string& tenant_id, const std::string& rotated_by,
                         const std::string& key_id);

  private:
    int64_t now() const { return clock_.nowNanos() / 1'000'000'000; }
    void checkReplacementAllowed(const std::string& tenant_id, const controlstore::ApiKey& old);
    controlstore::ApiKey newKey(const std::string& tenant_id, const std::string& created_by,
                                const GeneratedApiKey& generated) const;

    controlstore::ControlStore& store_;
    const ApiKeyHasher& hasher_;
    const Clock& clock_;
    std::function<void()> on_revocation_;
};

// "90d", "12h", "30m", "3600s" or plain seconds → seconds; nullopt when malformed or not positive.
std::optional<int64_t> parseDurationSeconds(std::string_view text);

// active | revoked | expired
std::string apiKeyStatus(const controlstore::ApiKey& key, int64_t now);

}  // namespace infrasage::auth
