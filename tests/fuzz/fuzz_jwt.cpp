// libFuzzer target for auth/JwtCodec::verify, which reads the bearer token of every request
// before anything else knows who sent it. JwtError is the only allowed exception; anything else
// (another exception, a sanitizer report, a broken invariant) is a bug.
//
// The first input byte picks what the rest is, so the fuzzer gets past the signature check too:
//   0x01: "<header JSON>\x01<payload JSON>", signed here with the codec's secret
//   0x02: "<payload JSON>" under {"alg":"HS256","typ":"JWT"}, signed here
//   else: the whole input is the token, as an attacker would send it
// Every accepted token must round-trip: issue(verify(token)) verifies to the same claims.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "auth/JwtCodec.h"
#include "auth/SecretRandom.h"

namespace {

using infrasage::auth::JwtClaims;
using infrasage::auth::JwtCodec;
using infrasage::auth::JwtError;
using infrasage::auth::JwtSettings;

constexpr int64_t kNow = 1714564800;  // 2024-05-01T12:00:00Z
const std::string kSecret = "fuzz-secret-0123456789abcdef0123456789";

void require(bool condition) {
    if (!condition) {
        std::abort();
    }
}

const JwtCodec& codec() {
    static const JwtCodec instance([] {
        JwtSettings settings;
        settings.secret = kSecret;
        return settings;
    }());
    return instance;
}

std::string sign(std::string_view header, std::string_view payload) {
    using infrasage::auth::base64UrlEncode;
    const std::string input = base64UrlEncode(header) + "." + base64UrlEncode(payload);
    return input + "." + base64UrlEncode(infrasage::auth::hmacSha256(kSecret, input));
}

std::string tokenFrom(std::string_view input) {
    if (!input.empty() && input[0] == '\x01') {
        const std::string_view rest = input.substr(1);
        const auto split = rest.find('\x01');
        if (split != std::string_view::npos) {
            return sign(rest.substr(0, split), rest.substr(split + 1));
        }
    } else if (!input.empty() && input[0] == '\x02') {
        return sign(R"({"alg":"HS256","typ":"JWT"})", input.substr(1));
    }
    return std::string(input);
}

bool isKnownCode(const std::string& code) {
    for (const char* known :
         {"token_too_large", "malformed_token", "unsupported_algorithm", "invalid_signature",
          "token_expired", "token_not_yet_valid", "token_issued_in_future", "invalid_issuer",
          "invalid_audience", "missing_claim", "invalid_claim", "duplicate_claim", "unknown_claim",
          "lifetime_too_long"}) {
        if (code == known) {
            return true;
        }
    }
    return false;
}

bool sameClaims(const JwtClaims& a, const JwtClaims& b) {
    return a.sub == b.sub && a.tenant_id == b.tenant_id && a.role == b.role && a.iss == b.iss &&
           a.aud == b.aud && a.jti == b.jti && a.iat == b.iat && a.exp == b.exp && a.nbf == b.nbf;
}

void checkAccepted(const JwtClaims& claims) {
    const auto& settings = codec().settings();
    require(!claims.sub.empty() && !claims.tenant_id.empty() && !claims.role.empty());
    require(!claims.jti.empty());
    require(claims.iss == settings.issuer && claims.aud == settings.audience);
    require(claims.exp > claims.iat);
    require(claims.exp - claims.iat <= settings.max_lifetime_seconds);
    require(claims.exp + settings.leeway_seconds > kNow);
    require(claims.iat - settings.leeway_seconds <= kNow);
    require(!claims.nbf || *claims.nbf - settings.leeway_seconds <= kNow);
    // What we accept, we can issue again, and it verifies to the same claims.
    const std::string reissued = codec().issue(claims);
    require(sameClaims(codec().verify(reissued, kNow), claims));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::string token =
        tokenFrom(std::string_view(reinterpret_cast<const char*>(data), size));
    try {
        checkAccepted(codec().verify(token, kNow));
    } catch (const JwtError& e) {
        require(isKnownCode(e.code()));
    }
    return 0;
}
