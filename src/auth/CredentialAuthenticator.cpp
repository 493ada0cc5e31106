#include "auth/CredentialAuthenticator.h"

#include "auth/CredentialParser.h"
#include "auth/SecretRandom.h"

namespace infrasage::auth {

namespace {

AuthOutcome refused(std::string failure, std::string actor_hint = {},
                    std::string tenant_hint = {}) {
    std::string type;
    if (!actor_hint.empty()) {
        type = actor_hint.rfind("isage_", 0) == 0 ? "api_key" : "user";
    }
    return AuthOutcome{std::nullopt, std::move(failure), std::move(actor_hint),
                       std::move(tenant_hint), std::move(type)};
}

}  // namespace

CredentialAuthenticator::CredentialAuthenticator(controlstore::ControlStore& store,
                                                 const JwtCodec& jwt, const ApiKeyHasher& hasher,
                                                 const Clock& clock,
                                                 std::chrono::milliseconds cache_ttl)
    : store_(store),
      jwt_(jwt),
      hasher_(hasher),
      clock_(clock),
      keys_(cache_ttl),
      users_(cache_ttl),
      tenants_(cache_ttl) {}

AuthOutcome CredentialAuthenticator::authenticate(const Credentials& credentials) {
    const int64_t now = clock_.nowNanos() / 1'000'000'000;
    auto presented = parseCredentials(credentials.authorization, credentials.api_key);
    switch (presented.kind) {
        case PresentedCredential::Kind::None:
            return refused("missing_credentials");
        case PresentedCredential::Kind::Malformed:
            return refused("malformed_credentials");
        case PresentedCredential::Kind::ApiKey:
            return authenticateApiKey(presented.value, now);
        case PresentedCredential::Kind::Jwt:
            return authenticateJwt(presented.value, now);
    }
    return refused("malformed_credentials");
}

std::optional<controlstore::Tenant> CredentialAuthenticator::activeTenant(
    const std::string& tenant_id) {
    auto tenant = tenants_.get(tenant_id, [&] { return store_.tenant(tenant_id); });
    if (!tenant || !tenant->active) {
        return std::nullopt;
    }
    return tenant;
}

AuthOutcome CredentialAuthenticator::authenticateApiKey(const std::string& secret, int64_t now) {
    const std::string hash = hasher_.hash(secret);
    auto key = keys_.get(hash, [&] { return store_.apiKeyByHash(hash); });
    // The lookup is by keyed hash; comparing again in constant time keeps a cache or index bug
    // from ever accepting a different secret.
    if (!key || !constantTimeEquals(key->hash, hash)) {
        return refused("unknown_api_key",
                       std::string(secret.substr(0, kApiKeyDisplayPrefixLength)));
    }
    if (key->revoked_at) {
        return refused("api_key_revoked", key->id, key->tenant_id);
    }
    if (key->expires_at && *key->expires_at <= now) {
        return refused("api_key_expired", key->id, key->tenant_id);
    }
    if (!activeTenant(key->tenant_id)) {
        return refused("tenant_inactive", key->id, key->tenant_id);
    }
    auto scope = parseScope(key->scope);
    if (!scope) {
        return refused("invalid_scope", key->id, key->tenant_id);
    }
    {
        std::lock_guard lock(usage_mutex_);
        last_used_[key->id] = now;
    }
    Principal p;
    p.tenant_id = key->tenant_id;
    p.actor = key->id;
    p.actor_type = ActorType::ApiKey;
    p.role = std::string(roleName(roleForScope(*scope)));
    p.scope = *scope;
    p.key_rate_limit_rps = key->rate_limit_rps;
    auto tenant = p.tenant_id;
    return AuthOutcome{std::move(p), "", key->id, std::move(tenant), "api_key"};
}

AuthOutcome CredentialAuthenticator::authenticateJwt(const std::string& token, int64_t now) {
    JwtClaims claims;
    try {
        claims = jwt_.verify(token, now);
    } catch (const JwtError& e) {
        return refused(e.code());
    }
    if (!parseRole(claims.role)) {
        return refused("unknown_role", claims.sub, claims.tenant_id);
    }
    if (!activeTenant(claims.tenant_id)) {
        return refused("tenant_inactive", claims.sub, claims.tenant_id);
    }
    auto user = users_.get(claims.sub, [&] { return store_.userByEmail(claims.sub); });
    if (!user || !user->active) {
        return refused("user_inactive", claims.sub, claims.tenant_id);
    }
    if (user->tenant_id != claims.tenant_id || user->role != claims.role) {
        return refused("stale_token", claims.sub,
                       claims.tenant_id);  // role or tenant changed since issuance
    }
    if (claims.iat <= user->tokens_valid_after) {
        return refused("token_revoked", claims.sub, claims.tenant_id);
    }
    Principal p;
    p.tenant_id = claims.tenant_id;
    p.actor = claims.sub;
    p.actor_type = ActorType::User;
    p.role = claims.role;
    p.user_id = user->id;
    return AuthOutcome{std::move(p), "", claims.sub, claims.tenant_id, "user"};
}

void CredentialAuthenticator::invalidate() {
    keys_.invalidateAll();
    users_.invalidateAll();
    tenants_.invalidateAll();
}

std::vector<std::pair<std::string, int64_t>> CredentialAuthenticator::takeLastUsed() {
    std::lock_guard lock(usage_mutex_);
    std::vector<std::pair<std::string, int64_t>> out(last_used_.begin(), last_used_.end());
    last_used_.clear();
    return out;
}

}  // namespace infrasage::auth
