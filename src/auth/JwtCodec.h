// auth/JwtCodec: issues and verifies our HS256 access tokens. Defends against the classic JWT
// attacks: `alg: none` and algorithm confusion (the header must be exactly HS256, checked before
// any signature work, and the HMAC is only ever keyed by our secret — never by a key the token
// names), header-driven key selection (kid/jku/jwk/x5u/crit are refused), forged or tampered
// tokens (HMAC compared in constant time, then confirmed by libjwt), parser-differential tricks
// (strict base64url, duplicate JSON keys refused), foreign or padded tokens (unknown claims
// refused, iss/aud checked), replay after expiry (exp/nbf/iat with a small leeway, bounded
// lifetime), and resource exhaustion (size limit first).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/JwtError.h"

namespace infrasage::auth {

struct JwtClaims {
    std::string sub;        // user email
    std::string tenant_id;  //
    std::string role;       // checked by the caller, not here
    std::string iss;        // issue(): empty means settings.issuer
    std::string aud;        // issue(): empty means settings.audience
    std::string jti;        // issue(): empty means a fresh random id
    int64_t iat = 0;        // Unix seconds
    int64_t exp = 0;        // Unix seconds
    std::optional<int64_t> nbf;
};

struct JwtSettings {
    std::string secret;  // HMAC key, ≥ 32 bytes
    std::string issuer = "infrasage";
    std::string audience = "infrasage-api";
    int64_t leeway_seconds = 30;  // clock skew tolerated on exp/nbf/iat, 0..300
    int64_t max_lifetime_seconds = int64_t{24} * 3600;
    std::size_t max_token_bytes = 4096;
};

class JwtCodec {
  public:
    // Throws std::invalid_argument for a secret under 32 bytes, an empty issuer/audience, a
    // leeway outside 0..300 s, or a non-positive lifetime or size limit.
    explicit JwtCodec(JwtSettings settings);

    // Signs `claims` (HS256, header {"alg":"HS256","typ":"JWT"}). Throws std::invalid_argument
    // for claims verify would refuse on their own: an empty sub/tenant_id/role, iss/aud other
    // than the settings', exp ≤ iat, or a lifetime over max_lifetime_seconds.
    std::string issue(const JwtClaims& claims) const;

    // The claims of a token we issued that is valid at `now_unix`; throws JwtError otherwise.
    JwtClaims verify(std::string_view token, int64_t now_unix) const;

    const JwtSettings& settings() const { return settings_; }

  private:
    void checkSignature(std::string_view signing_input, std::string_view signature) const;
    void confirmWithLibjwt(std::string_view token) const;
    void checkTimes(const JwtClaims& claims, int64_t now_unix) const;

    JwtSettings settings_;
};

}  // namespace infrasage::auth
