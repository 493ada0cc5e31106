// cli/IdentityStack: the identity objects `serve` and `admin` share — the control store, the
// hashers and codecs configured from the same secrets, and the identity services. Building them in
// one place guarantees the CLI and the server hash API keys and sign tokens identically.
#pragma once

#include <memory>

#include "auth/ApiKeyService.h"
#include "auth/AuthService.h"
#include "auth/CredentialAuthenticator.h"
#include "auth/LoginThrottle.h"
#include "auth/PasswordHasher.h"
#include "auth/RateLimiter.h"
#include "auth/UserService.h"
#include "config/Config.h"
#include "controlstore/ControlStore.h"
#include "tenancy/TenantService.h"

namespace infrasage::cli {

struct IdentitySecrets {
    std::string jwt_secret;
    std::string api_key_pepper;
};

// The configured secrets; in development a missing one is generated once and kept in the data
// directory (mode 0600) so that the server and the CLI agree across restarts.
IdentitySecrets identitySecrets(const config::Config& cfg);

// sqlite:///path, a bare path, or empty for <data dir>/control.db.
std::string controlStorePath(const config::Config& cfg);

class IdentityStack {
  public:
    IdentityStack(const config::Config& cfg, const Clock& clock);

    controlstore::ControlStore& store() { return *store_; }
    auth::CredentialAuthenticator& authenticator() { return authenticator_; }
    auth::RateLimiter& rateLimiter() { return limiter_; }
    auth::AuthService& auth() { return auth_; }
    auth::ApiKeyService& apiKeys() { return api_keys_; }
    auth::UserService& users() { return users_; }
    tenancy::TenantService& tenants() { return tenants_; }

  private:
    IdentitySecrets secrets_;
    std::unique_ptr<controlstore::ControlStore> store_;
    auth::ApiKeyHasher hasher_;
    auth::JwtCodec jwt_;
    auth::PasswordHasher passwords_;
    auth::LoginThrottle throttle_;
    auth::RateLimiter limiter_;
    auth::CredentialAuthenticator authenticator_;
    auth::AuthService auth_;
    auth::ApiKeyService api_keys_;
    auth::UserService users_;
    tenancy::TenantService tenants_;
};

}  // namespace infrasage::cli
