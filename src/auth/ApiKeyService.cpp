#include "auth/ApiKeyService.h"

#include <charconv>

#include "auth/Roles.h"
#include "common/ApiError.h"

namespace infrasage::auth {

namespace {

constexpr std::size_t kMaxNameBytes = 100;
constexpr int64_t kMaxRateLimitRps = 1'000'000;
constexpr int64_t kMaxExpirySeconds = 5LL * 365 * 24 * 3600;

ApiError notFound() {
    return ApiError(404, "not_found", "no such API key");
}

void validate(const ApiKeyRequest& request) {
    if (request.name.empty() || request.name.size() > kMaxNameBytes) {
        throw ApiError(400, "invalid_name", "name must be 1 to 100 bytes");
    }
    if (!parseScope(request.scope)) {
        throw ApiError(400, "invalid_scope", "scope must be ingestion, readonly or full");
    }
    if (request.rate_limit_rps < 0 || request.rate_limit_rps > kMaxRateLimitRps) {
        throw ApiError(400, "invalid_rate_limit", "rate_limit_rps must be 0 to 1000000");
    }
    if (request.expires_in_seconds &&
        (*request.expires_in_seconds <= 0 || *request.expires_in_seconds > kMaxExpirySeconds)) {
        throw ApiError(400, "invalid_expiry", "expires_in must be positive and at most 5 years");
    }
}

}  // namespace

std::optional<int64_t> parseDurationSeconds(std::string_view text) {
    int64_t unit = 1;
    if (!text.empty()) {
        switch (text.back()) {
            case 'd':
                unit = 86400;
                break;
            case 'h':
                unit = 3600;
                break;
            case 'm':
                unit = 60;
                break;
            case 's':
                unit = 1;
                break;
            default:
                unit = 0;
                break;  // no suffix: plain seconds
        }
        if (unit != 0) {
            text.remove_suffix(1);
        } else {
            unit = 1;
        }
    }
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value <= 0 ||
        value > kMaxExpirySeconds / unit) {
        return std::nullopt;
    }
    return value * unit;
}

std::string apiKeyStatus(const controlstore::ApiKey& key, int64_t now) {
    if (key.revoked_at) {
        return "revoked";
    }
    if (key.expires_at && *key.expires_at <= now) {
        return "expired";
    }
    return "active";
}

ApiKeyService::ApiKeyService(controlstore::ControlStore& store, const ApiKeyHasher& hasher,
                             const Clock& clock, std::function<void()> on_revocation)
    : store_(store), hasher_(hasher), clock_(clock), on_revocation_(std::move(on_revocation)) {}

controlstore::ApiKey ApiKeyService::newKey(const std::string& tenant_id,
                                           const std::string& created_by,
                                           const GeneratedApiKey& generated) const {
    controlstore::ApiKey key;
    key.id = generated.id;
    key.tenant_id = tenant_id;
    key.prefix = generated.prefix;
    key.hash = hasher_.hash(generated.secret);
    key.created_at = now();
    key.created_by = created_by;
    return key;
}

CreatedApiKey ApiKeyService::create(const std::string& tenant_id, const std::string& created_by,
                                    const ApiKeyRequest& request) {
    validate(request);
    auto tenant = store_.tenant(tenant_id);
    if (!tenant) {
        throw ApiError(404, "not_found", "no such tenant");
    }
    if (store_.countActiveApiKeys(tenant_id, now()) >= tenant->max_api_keys) {
        throw ApiError(409, "quota_exceeded", "the tenant has reached its API key quota");
    }
    auto generated = generateApiKey();
    auto key = newKey(tenant_id, created_by, generated);
    key.name = request.name;
    key.scope = request.scope;
    key.rate_limit_rps = request.rate_limit_rps;
    if (request.expires_in_seconds) {
        key.expires_at = key.created_at + *request.expires_in_seconds;
    }
    store_.createApiKey(key);
    return CreatedApiKey{std::move(key), std::move(generated.secret)};
}

std::vector<controlstore::ApiKey> ApiKeyService::list(const std::string& tenant_id) {
    return store_.apiKeys(tenant_id);
}

controlstore::ApiKey ApiKeyService::get(const std::string& tenant_id, const std::string& key_id) {
    auto key = store_.apiKey(tenant_id, key_id);
    if (!key) {
        throw notFound();
    }
    return *key;
}

controlstore::ApiKey ApiKeyService::revoke(const std::string& tenant_id,
                                           const std::string& key_id) {
    if (!store_.revokeApiKey(tenant_id, key_id, now())) {
        throw notFound();
    }
    on_revocation_();
    return get(tenant_id, key_id);
}

// A revoked key is replaced at most once, and only within the tenant's key quota: otherwise
// rotating it again and again would mint keys past the quota.
void ApiKeyService::checkReplacementAllowed(const std::string& tenant_id,
                                            const controlstore::ApiKey& old) {
    for (const auto& key : store_.apiKeys(tenant_id)) {
        if (key.rotated_from == old.id) {
            throw ApiError(409, "already_rotated", "this key was already replaced by " + key.id);
        }
    }
    auto tenant = store_.tenant(tenant_id);
    if (!tenant || store_.countActiveApiKeys(tenant_id, now()) >= tenant->max_api_keys) {
        throw ApiError(409, "quota_exceeded", "the tenant has reached its API key quota");
    }
}

CreatedApiKey ApiKeyService::rotate(const std::string& tenant_id, const std::string& rotated_by,
                                    const std::string& key_id) {
    auto old = get(tenant_id, key_id);
    if (old.revoked_at) {
        checkReplacementAllowed(tenant_id, old);
    }
    auto generated = generateApiKey();
    auto successor = newKey(tenant_id, rotated_by, generated);
    successor.name = old.name;
    successor.scope = old.scope;
    successor.rate_limit_rps = old.rate_limit_rps;
    successor.expires_at = old.expires_at;
    successor.rotated_from = old.id;
    // The seed's incident-response flow revokes a compromised key first and replaces it after:
    // rotating an already revoked key creates the replacement with the same scope.
    // (Also when it was revoked meanwhile, between get() and the rotation.)
    if (old.revoked_at || !store_.rotateApiKey(tenant_id, key_id, successor, now())) {
        store_.createApiKey(successor);
    }
    on_revocation_();
    return CreatedApiKey{std::move(successor), std::move(generated.secret)};
}

}  // namespace infrasage::auth
