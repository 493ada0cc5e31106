#include "auth/AuthService.h"

#include <algorithm>

#include "auth/RefreshTokenSecret.h"
#include "auth/SecretRandom.h"
#include "common/ApiError.h"

namespace infrasage::auth {

namespace {

ApiError invalidCredentials() {
    return ApiError(401, "invalid_credentials", "email or password is incorrect");
}

ApiError invalidRefreshToken() {
    return ApiError(401, "invalid_refresh_token", "the refresh token is not valid");
}

}  // namespace

std::string normalizeEmail(std::string_view email) {
    std::string out(email);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

AuthService::AuthService(controlstore::ControlStore& store, const JwtCodec& jwt,
                         const PasswordHasher& passwords, LoginThrottle& throttle,
                         const Clock& clock, TokenSettings settings)
    : store_(store),
      jwt_(jwt),
      passwords_(passwords),
      throttle_(throttle),
      clock_(clock),
      settings_(std::move(settings)) {}

std::string AuthService::issueAccessToken(const controlstore::User& user, int64_t now) const {
    JwtClaims claims;
    claims.sub = user.email;
    claims.tenant_id = user.tenant_id;
    claims.role = user.role;
    claims.iss = settings_.issuer;
    claims.aud = settings_.audience;
    claims.jti = randomBase62(22);
    // Tokens must be issued strictly after tokens_valid_after (set when the user was disabled or
    // changed password), also within the same second as that change.
    claims.iat = std::max(now, user.tokens_valid_after + 1);
    claims.exp = claims.iat + settings_.access_ttl_seconds;
    return jwt_.issue(claims);
}

TokenPair AuthService::issuePair(const controlstore::User& user, const std::string& family_id,
                                 int64_t now, const std::string* rotated_from_id) {
    auto generated = generateRefreshToken();
    controlstore::RefreshToken token;
    token.id = generated.id;
    token.family_id = family_id;
    token.user_id = user.id;
    token.tenant_id = user.tenant_id;
    token.hash = generated.token_hash;
    token.issued_at = now;
    token.expires_at = now + settings_.refresh_ttl_seconds;
    if (rotated_from_id != nullptr) {
        if (!store_.rotateRefreshToken(*rotated_from_id, token, now)) {
            store_.revokeRefreshFamily(family_id, now);  // lost a race with another use: reuse
            throw invalidRefreshToken();
        }
    } else {
        store_.createRefreshToken(token);
    }
    return TokenPair{issueAccessToken(user, now),
                     settings_.access_ttl_seconds,
                     generated.token,
                     settings_.refresh_ttl_seconds,
                     user.tenant_id,
                     user.email};
}

std::optional<std::string> AuthService::tenantOfAccount(const std::string& email) {
    auto user = store_.userByEmail(normalizeEmail(email));
    return user ? std::optional<std::string>(user->tenant_id) : std::nullopt;
}

TokenPair AuthService::login(const std::string& email_in, const std::string& password,
                             const std::string& client_ip) {
    const auto email = normalizeEmail(email_in);
    const auto t = now();
    if (auto wait = throttle_.retryAfter(email, client_ip, t)) {
        throw ApiError(429, "too_many_login_attempts", "too many failed logins; retry later")
            .withRetryAfter(static_cast<int>(std::max<int64_t>(1, *wait)));
    }
    auto user = store_.userByEmail(email);
    bool ok = false;
    if (user) {
        ok = passwords_.verify(user->password_hash, password);
    } else {
        passwords_.burnVerifyTime();  // same cost as a real check: no user enumeration by timing
    }
    if (ok) {
        auto tenant = store_.tenant(user->tenant_id);
        ok = user->active && tenant && tenant->active;
    }
    if (!ok) {
        throttle_.recordFailure(email, client_ip, t);
        throw invalidCredentials();
    }
    throttle_.recordSuccess(email, client_ip);
    return issuePair(*user, newRefreshTokenFamilyId(), t, nullptr);
}

TokenPair AuthService::refresh(const std::string& refresh_token) {
    if (!isWellFormedRefreshToken(refresh_token)) {
        throw invalidRefreshToken();
    }
    const auto t = now();
    auto stored = store_.refreshTokenByHash(refreshTokenHash(refresh_token));
    if (!stored || stored->revoked_at || stored->expires_at <= t) {
        throw invalidRefreshToken();
    }
    if (stored->used_at) {
        // A rotated token came back: whoever holds the family is not to be trusted.
        store_.revokeRefreshFamily(stored->family_id, t);
        throw ApiError(401, "refresh_token_reused",
                       "this refresh token was already used; the session has been revoked");
    }
    auto user = store_.userById(stored->user_id);
    auto tenant = user ? store_.tenant(user->tenant_id) : std::nullopt;
    if (!user || !user->active || !tenant || !tenant->active) {
        store_.revokeRefreshFamily(stored->family_id, t);
        throw invalidRefreshToken();
    }
    return issuePair(*user, stored->family_id, t, &stored->id);
}

void AuthService::logout(const Principal& caller, const std::string& refresh_token) {
    if (refresh_token.empty() || !isWellFormedRefreshToken(refresh_token)) {
        return;
    }
    auto stored = store_.refreshTokenByHash(refreshTokenHash(refresh_token));
    if (stored && stored->user_id == caller.user_id) {
        store_.revokeRefreshFamily(stored->family_id, now());
    }
}

}  // namespace infrasage::auth
