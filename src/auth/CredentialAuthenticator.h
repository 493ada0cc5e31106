// auth/CredentialAuthenticator: the production Authenticator. API keys: format check, keyed hash,
// one lookup (cached ≤ cache_ttl), then revoked/expired/tenant-active checks. JWTs: strict
// verification by JwtCodec, then the tenant must exist and be active, the role must be known and
// the user must still be active with the same role and tenant, and the token must be issued after
// the user's tokens_valid_after (disable and password change cut tokens off). Also records each
// key's last use in memory; the server flushes that to the store periodically instead of writing
// on every request.
#pragma once

#include <chrono>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "auth/ApiKeySecret.h"
#include "auth/Authenticator.h"
#include "auth/IdentityCache.h"
#include "auth/JwtCodec.h"
#include "common/Clock.h"
#include "controlstore/ControlStore.h"

namespace infrasage::auth {

class CredentialAuthenticator final : public Authenticator {
  public:
    CredentialAuthenticator(controlstore::ControlStore& store, const JwtCodec& jwt,
                            const ApiKeyHasher& hasher, const Clock& clock,
                            std::chrono::milliseconds cache_ttl = std::chrono::seconds(5));

    AuthOutcome authenticate(const Credentials& credentials) override;

    // Makes a change made on this node effective at once (revocation, disabled user, tenant).
    void invalidate();

    // Key id → last use (unix seconds) since the previous call.
    std::vector<std::pair<std::string, int64_t>> takeLastUsed();

    std::optional<controlstore::Tenant> activeTenant(const std::string& tenant_id);

  private:
    AuthOutcome authenticateApiKey(const std::string& secret, int64_t now);
    AuthOutcome authenticateJwt(const std::string& token, int64_t now);

    controlstore::ControlStore& store_;
    const JwtCodec& jwt_;
    const ApiKeyHasher& hasher_;
    const Clock& clock_;
    IdentityCache<controlstore::ApiKey> keys_;
    IdentityCache<controlstore::User> users_;
    IdentityCache<controlstore::Tenant> tenants_;
    std::mutex usage_mutex_;
    std::unordered_map<std::string, int64_t> last_used_;
};

}  // namespace infrasage::auth
