#include "auth/JwtCodec.h"

#include <jwt.h>

#include <array>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <vector>

#include "auth/SecretRandom.h"

namespace infrasage::auth {

namespace {

using nlohmann::json;

constexpr std::size_t kMinSecretBytes = 32;
constexpr int64_t kMaxLeewaySeconds = 300;
constexpr std::size_t kHmacSha256Bytes = 32;
constexpr std::size_t kJtiChars = 22;  // ≈ 131 bits
// Times outside [0, 9999-12-31] are refused, which also keeps every sum below far from overflow.
constexpr int64_t kMaxUnixSeconds = 253402300799;

constexpr std::array<std::string_view, 6> kStringClaims = {"sub", "tenant_id", "role",
                                                           "iss", "aud",       "jti"};
constexpr std::array<std::string_view, 3> kTimeClaims = {"iat", "exp", "nbf"};

[[noreturn]] void fail(const char* code, const std::string& message) {
    throw JwtError(code, message);
}

struct Segments {
    std::string_view header;
    std::string_view payload;
    std::string_view signature;
    std::string_view signing_input;  // header.payload, what the HMAC covers
};

Segments split(std::string_view token) {
    const auto first = token.find('.');
    const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
        fail("malformed_token", "a JWT has exactly three dot-separated segments");
    }
    Segments s{token.substr(0, first), token.substr(first + 1, second - first - 1),
               token.substr(second + 1), token.substr(0, second)};
    if (s.header.empty() || s.payload.empty()) {
        fail("malformed_token", "empty JWT segment");
    }
    return s;
}

std::string decodeSegment(std::string_view segment, const char* what) {
    auto decoded = base64UrlDecode(segment);
    if (!decoded) {
        fail("malformed_token", std::string(what) + " is not unpadded base64url");
    }
    return std::move(*decoded);
}

// Parses a JSON object, refusing duplicate keys at any depth: parsers disagree on which duplicate
// wins, and that disagreement is how `{"alg":"HS256","alg":"none"}` tricks get through.
json parseObject(std::string_view text, const char* what, const char* duplicate_code) {
    std::vector<std::set<std::string>> open_objects;
    bool duplicate = false;
    auto on_event = [&](int /*depth*/, json::parse_event_t event, json& parsed) {
        if (event == json::parse_event_t::object_start) {
            open_objects.emplace_back();
        } else if (event == json::parse_event_t::key) {
            duplicate |= !open_objects.back().insert(parsed.get<std::string>()).second;
        } else if (event == json::parse_event_t::object_end) {
            open_objects.pop_back();
        }
        return true;
    };
    json value = json::parse(text.begin(), text.end(), on_event, /*allow_exceptions=*/false);
    if (value.is_discarded() || !value.is_object()) {
        fail("malformed_token", std::string(what) + " is not a JSON object");
    }
    if (duplicate) {
        fail(duplicate_code, std::string(what) + " has a duplicate key");
    }
    return value;
}

// Only {"alg":"HS256"} with an optional {"typ":"JWT"}. Anything else would ask us to pick a key
// or an algorithm from attacker-controlled input.
void checkHeader(std::string_view encoded) {
    const json header =
        parseObject(decodeSegment(encoded, "JWT header"), "JWT header", "malformed_token");
    const auto alg = header.find("alg");
    if (alg == header.end() || !alg->is_string() || alg->get_ref<const std::string&>() != "HS256") {
        fail("unsupported_algorithm", "only HS256 tokens are accepted");
    }
    for (const auto& [name, value] : header.items()) {
        if (name == "alg") {
            continue;
        }
        if (name != "typ") {
            fail("unsupported_algorithm", "JWT header parameter '" + name + "' is not supported");
        }
        if (!value.is_string() || value.get_ref<const std::string&>() != "JWT") {
            fail("malformed_token", "JWT header typ must be \"JWT\"");
        }
    }
}

const std::string& requireString(const json& payload, std::string_view name) {
    const auto it = payload.find(name);
    if (it == payload.end()) {
        fail("missing_claim", "claim '" + std::string(name) + "' is required");
    }
    if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
        fail("invalid_claim", "claim '" + std::string(name) + "' must be a non-empty string");
    }
    return it->get_ref<const std::string&>();
}

int64_t timeValue(const json& value, std::string_view name) {
    // Integers only: 1.5, 1e9 and "1700000000" are refused, as are times outside 0..9999 AD.
    if (value.is_number_unsigned() && value.get<uint64_t>() <= uint64_t{kMaxUnixSeconds}) {
        return static_cast<int64_t>(value.get<uint64_t>());
    }
    if (value.is_number_integer() && !value.is_number_unsigned() && value.get<int64_t>() >= 0 &&
        value.get<int64_t>() <= kMaxUnixSeconds) {
        return value.get<int64_t>();
    }
    fail("invalid_claim", "claim '" + std::string(name) + "' must be an integer Unix time");
}

int64_t requireTime(const json& payload, std::string_view name) {
    const auto it = payload.find(name);
    if (it == payload.end()) {
        fail("missing_claim", "claim '" + std::string(name) + "' is required");
    }
    return timeValue(*it, name);
}

bool isKnownClaim(std::string_view name) {
    for (const auto known : kStringClaims) {
        if (name == known) {
            return true;
        }
    }
    for (const auto known : kTimeClaims) {
        if (name == known) {
            return true;
        }
    }
    return false;
}

JwtClaims parseClaims(std::string_view encoded) {
    const json payload =
        parseObject(decodeSegment(encoded, "JWT payload"), "JWT payload", "duplicate_claim");
    for (const auto& item : payload.items()) {
        // We issue every token ourselves, so a claim we never write means a foreign or forged one.
        if (!isKnownClaim(item.key())) {
            fail("unknown_claim", "claim '" + item.key() + "' is not accepted");
        }
    }
    JwtClaims claims;
    claims.sub = requireString(payload, "sub");
    claims.tenant_id = requireString(payload, "tenant_id");
    claims.role = requireString(payload, "role");
    claims.iss = requireString(payload, "iss");
    claims.aud = requireString(payload, "aud");
    claims.jti = requireString(payload, "jti");
    claims.iat = requireTime(payload, "iat");
    claims.exp = requireTime(payload, "exp");
    if (const auto nbf = payload.find("nbf"); nbf != payload.end()) {
        claims.nbf = timeValue(*nbf, "nbf");
    }
    return claims;
}

struct JwtDeleter {
    void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

struct JwtStringDeleter {
    void operator()(char* s) const { std::free(s); }  // libjwt 1.10 allocates with malloc
};

void requireValidIssueClaims(const JwtClaims& claims, const JwtSettings& settings) {
    if (claims.sub.empty() || claims.tenant_id.empty() || claims.role.empty()) {
        throw std::invalid_argument("JWT sub, tenant_id and role must not be empty");
    }
    if (!claims.iss.empty() && claims.iss != settings.issuer) {
        throw std::invalid_argument("JWT iss differs from the configured issuer");
    }
    if (!claims.aud.empty() && claims.aud != settings.audience) {
        throw std::invalid_argument("JWT aud differs from the configured audience");
    }
    const auto in_range = [](int64_t t) { return t >= 0 && t <= kMaxUnixSeconds; };
    if (!in_range(claims.iat) || !in_range(claims.exp) || (claims.nbf && !in_range(*claims.nbf))) {
        throw std::invalid_argument("JWT times must be Unix seconds between 0 and 9999 AD");
    }
    if (claims.exp <= claims.iat || claims.exp - claims.iat > settings.max_lifetime_seconds) {
        throw std::invalid_argument("JWT lifetime must be positive and within the maximum");
    }
}

}  // namespace

JwtCodec::JwtCodec(JwtSettings settings) : settings_(std::move(settings)) {
    if (settings_.secret.size() < kMinSecretBytes) {
        throw std::invalid_argument("JWT secret must be at least 32 bytes (256 bits)");
    }
    if (settings_.issuer.empty() || settings_.audience.empty()) {
        throw std::invalid_argument("JWT issuer and audience must not be empty");
    }
    if (settings_.leeway_seconds < 0 || settings_.leeway_seconds > kMaxLeewaySeconds) {
        throw std::invalid_argument("JWT leeway must be between 0 and 300 seconds");
    }
    if (settings_.max_lifetime_seconds <= 0 || settings_.max_token_bytes == 0) {
        throw std::invalid_argument("JWT lifetime and size limits must be positive");
    }
}

std::string JwtCodec::issue(const JwtClaims& claims) const {
    requireValidIssueClaims(claims, settings_);
    jwt_t* raw = nullptr;
    if (jwt_new(&raw) != 0) {
        throw std::runtime_error("jwt_new failed");
    }
    const JwtPtr jwt(raw);
    const auto grant = [&](const char* name, const std::string& value) {
        if (jwt_add_grant(jwt.get(), name, value.c_str()) != 0) {
            throw std::runtime_error(std::string("jwt_add_grant failed for ") + name);
        }
    };
    const auto grant_int = [&](const char* name, int64_t value) {
        if (jwt_add_grant_int(jwt.get(), name, static_cast<long>(value)) != 0) {
            throw std::runtime_error(std::string("jwt_add_grant_int failed for ") + name);
        }
    };
    grant("sub", claims.sub);
    grant("tenant_id", claims.tenant_id);
    grant("role", claims.role);
    grant("iss", settings_.issuer);
    grant("aud", settings_.audience);
    grant("jti", claims.jti.empty() ? randomBase62(kJtiChars) : claims.jti);
    grant_int("iat", claims.iat);
    grant_int("exp", claims.exp);
    if (claims.nbf) {
        grant_int("nbf", *claims.nbf);
    }
    if (jwt_set_alg(jwt.get(), JWT_ALG_HS256,
                    reinterpret_cast<const unsigned char*>(settings_.secret.data()),
                    static_cast<int>(settings_.secret.size())) != 0) {
        throw std::runtime_error("jwt_set_alg failed");
    }
    const std::unique_ptr<char, JwtStringDeleter> encoded(jwt_encode_str(jwt.get()));
    if (!encoded) {
        throw std::runtime_error("jwt_encode_str failed");
    }
    return std::string(encoded.get());
}

JwtClaims JwtCodec::verify(std::string_view token, int64_t now_unix) const {
    if (token.size() > settings_.max_token_bytes) {
        fail("token_too_large",
             "token exceeds " + std::to_string(settings_.max_token_bytes) + " bytes");
    }
    const Segments segments = split(token);
    checkHeader(segments.header);  // before any signature work: no alg/key confusion possible
    checkSignature(segments.signing_input, segments.signature);
    JwtClaims claims = parseClaims(segments.payload);
    confirmWithLibjwt(token);
    if (claims.iss != settings_.issuer) {
        fail("invalid_issuer", "token issuer is not accepted");
    }
    if (claims.aud != settings_.audience) {
        fail("invalid_audience", "token audience is not accepted");
    }
    checkTimes(claims, now_unix);
    return claims;
}

void JwtCodec::checkSignature(std::string_view signing_input, std::string_view signature) const {
    const auto presented = base64UrlDecode(signature);
    if (!presented) {
        fail("malformed_token", "JWT signature is not unpadded base64url");
    }
    if (presented->size() != kHmacSha256Bytes ||
        !constantTimeEquals(*presented, hmacSha256(settings_.secret, signing_input))) {
        fail("invalid_signature", "token signature does not verify");
    }
}

// A second, independent verification: libjwt recomputes the HMAC with our key and parses both
// JSON segments with jansson. Our own checks already passed, so a refusal here means the two
// parsers disagree about the token — which we treat as malformed rather than guess.
void JwtCodec::confirmWithLibjwt(std::string_view token) const {
    const std::string terminated(token);
    jwt_t* raw = nullptr;
    const int rc = jwt_decode(&raw, terminated.c_str(),
                              reinterpret_cast<const unsigned char*>(settings_.secret.data()),
                              static_cast<int>(settings_.secret.size()));
    const JwtPtr jwt(raw);
    if (rc != 0 || !jwt) {
        fail("malformed_token", "token refused by libjwt");
    }
    if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) {
        fail("unsupported_algorithm", "only HS256 tokens are accepted");
    }
}

void JwtCodec::checkTimes(const JwtClaims& claims, int64_t now_unix) const {
    // Claims are within 0..9999 AD and leeway ≤ 300 s, so no sum below can overflow.
    const int64_t leeway = settings_.leeway_seconds;
    if (claims.exp <= claims.iat) {
        fail("invalid_claim", "token exp must be after iat");
    }
    if (claims.exp - claims.iat > settings_.max_lifetime_seconds) {
        fail("lifetime_too_long", "token lifetime exceeds the maximum");
    }
    if (claims.exp + leeway <= now_unix) {
        fail("token_expired", "token has expired");
    }
    if (claims.nbf && *claims.nbf - leeway > now_unix) {
        fail("token_not_yet_valid", "token is not valid yet");
    }
    if (claims.iat - leeway > now_unix) {
        fail("token_issued_in_future", "token was issued in the future");
    }
}

}  // namespace infrasage::auth
