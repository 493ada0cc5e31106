// auth/AuthService: login, refresh, logout for humans (PRODUCT.md §2). Passwords are checked with
// argon2id; unknown user and wrong password take the same time and give the same answer; attempts
// are throttled per account and per client IP. Refresh tokens are opaque, stored hashed, rotated on
// every use; presenting a rotated token again revokes its whole family (it was stolen or replayed).
// Depends on: controlstore, auth building blocks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "auth/JwtCodec.h"
#include "auth/LoginThrottle.h"
#include "auth/PasswordHasher.h"
#include "auth/Principal.h"
#include "common/Clock.h"
#include "controlstore/ControlStore.h"

namespace infrasage::auth {

struct TokenSettings {
    int64_t access_ttl_seconds = 24LL * 3600;  // development 24 h; production 1 h
    int64_t refresh_ttl_seconds = 14LL * 24 * 3600;
    std::string issuer = "infrasage";
    std::string audience = "infrasage-api";
};

struct TokenPair {
    std::string access_token;
    int64_t expires_in = 0;
    std::string refresh_token;
    int64_t refresh_expires_in = 0;
    std::string tenant_id;  // for the audit entry
    std::string email;      // for the audit entry
};

class AuthService {
  public:
    AuthService(controlstore::ControlStore& store, const JwtCodec& jwt,
                const PasswordHasher& passwords, LoginThrottle& throttle, const Clock& clock,
                TokenSettings settings);

    // Throws ApiError 401 invalid_credentials (one answer for every reason) or 429
    // too_many_login_attempts with Retry-After.
    TokenPair login(const std::string& email, const std::string& password,
                    const std::string& client_ip);
    // Throws ApiError 401 invalid_refresh_token; reuse of a rotated token revokes its family.
    TokenPair refresh(const std::string& refresh_token);
    // Revokes the refresh-token family of `refresh_token` if it belongs to the caller.
    void logout(const Principal& caller, const std::string& refresh_token);

    // The tenant of the account behind `email`, if any — for the audit entry of a failed login
    // only, so that a tenant's admins see brute force against their users. Never answered.
    std::optional<std::string> tenantOfAccount(const std::string& email);

    // An access token for `user` (used by login and refresh).
    std::string issueAccessToken(const controlstore::User& user, int64_t now) const;

  private:
    TokenPair issuePair(const controlstore::User& user, const std::string& family_id, int64_t now,
                        const std::string* rotated_from_id);
    int64_t now() const { return clock_.nowNanos() / 1'000'000'000; }

    controlstore::ControlStore& store_;
    const JwtCodec& jwt_;
    const PasswordHasher& passwords_;
    LoginThrottle& throttle_;
    const Clock& clock_;
    TokenSettings settings_;
};

std::string normalizeEmail(std::string_view email);

}  // namespace infrasage::auth
