// JwtCodec against hand-made tokens (tests/unit/auth/JwtTestTokens.h signs with OpenSSL directly):
// every refusal code, the classic algorithm attacks, leeway boundaries and the round trip.
#include <gtest/gtest.h>

#include <string>

#include "JwtTestTokens.h"
#include "auth/JwtCodec.h"
#include "auth/SecretRandom.h"

namespace infrasage::auth {
namespace {

using nlohmann::json;
using testing::hs256;
using testing::hs256Claims;
using testing::kHs256Header;
using testing::kNow;
using testing::kSecret;
using testing::validClaims;

JwtSettings settings() {
    JwtSettings s;
    s.secret = kSecret;
    return s;
}

std::string codeOf(const JwtCodec& codec, const std::string& token, int64_t now = kNow) {
    try {
        codec.verify(token, now);
    } catch (const JwtError& e) {
        return e.code();
    }
    return "accepted";
}

class JwtCodecTest : public ::testing::Test {
  protected:
    std::string code(const std::string& token, int64_t now = kNow) const {
        return codeOf(codec_, token, now);
    }
    std::string codeWithClaims(const json& claims, int64_t now = kNow) const {
        return code(hs256Claims(claims), now);
    }
    JwtCodec codec_{settings()};
};

TEST_F(JwtCodecTest, AcceptsAHandMadeValidToken) {
    const JwtClaims claims = codec_.verify(hs256Claims(validClaims()), kNow);
    EXPECT_EQ(claims.sub, "alice@example.com");
    EXPECT_EQ(claims.tenant_id, "acme-corp");
    EXPECT_EQ(claims.role, "viewer");
    EXPECT_EQ(claims.iss, "infrasage");
    EXPECT_EQ(claims.aud, "infrasage-api");
    EXPECT_EQ(claims.jti, "jti-0001");
    EXPECT_EQ(claims.iat, kNow - 60);
    EXPECT_EQ(claims.exp, kNow + 3600);
    EXPECT_FALSE(claims.nbf.has_value());
}

TEST_F(JwtCodecTest, AcceptsAHeaderWithoutTypAndWithNbf) {
    json claims = validClaims();
    claims["nbf"] = kNow - 10;
    const JwtClaims parsed = codec_.verify(hs256(R"({"alg":"HS256"})", claims.dump()), kNow);
    EXPECT_EQ(parsed.nbf, kNow - 10);
}

TEST_F(JwtCodecTest, RoundTripsIssuedTokens) {
    JwtClaims claims;
    claims.sub = "bob@example.com";
    claims.tenant_id = "globex";
    claims.role = "admin";
    claims.jti = "jti-42";
    claims.iat = kNow;
    claims.exp = kNow + 3600;
    claims.nbf = kNow;
    const std::string token = codec_.issue(claims);
    const JwtClaims parsed = codec_.verify(token, kNow + 10);
    EXPECT_EQ(parsed.sub, claims.sub);
    EXPECT_EQ(parsed.tenant_id, claims.tenant_id);
    EXPECT_EQ(parsed.role, claims.role);
    EXPECT_EQ(parsed.iss, "infrasage");
    EXPECT_EQ(parsed.aud, "infrasage-api");
    EXPECT_EQ(parsed.jti, "jti-42");
    EXPECT_EQ(parsed.iat, kNow);
    EXPECT_EQ(parsed.exp, kNow + 3600);
    EXPECT_EQ(parsed.nbf, kNow);
}

TEST_F(JwtCodecTest, IssuedTokensAreStandardHs256) {
    JwtClaims claims{"bob@example.com", "globex", "admin", "", "", "", kNow, kNow + 60, {}};
    const std::string token = codec_.issue(claims);
    const auto first = token.find('.');
    const auto second = token.rfind('.');
    const json header = json::parse(*base64UrlDecode(token.substr(0, first)));
    EXPECT_EQ(header, json::parse(R"({"alg":"HS256","typ":"JWT"})"));
    // The signature is the plain HMAC-SHA256 an independent implementation computes.
    EXPECT_EQ(token.substr(second + 1),
              testing::base64Url(testing::hmac(EVP_sha256(), kSecret, token.substr(0, second))));
    // An empty jti gets a fresh random one.
    const JwtClaims parsed = codec_.verify(token, kNow);
    EXPECT_GE(parsed.jti.size(), 16u);
    EXPECT_NE(codec_.verify(codec_.issue(claims), kNow).jti, parsed.jti);
}

TEST_F(JwtCodecTest, IssueRefusesClaimsItCouldNotVerify) {
    const JwtClaims good{"a@b.c", "t", "viewer", "", "", "j", kNow, kNow + 60, {}};
    EXPECT_NO_THROW(codec_.issue(good));
    auto with = [&](auto change) {
        JwtClaims c = good;
        change(c);
        return c;
    };
    EXPECT_THROW(codec_.issue(with([](JwtClaims& c) { c.sub.clear(); })), std::invalid_argument);
    EXPECT_THROW(codec_.issue(with([](JwtClaims& c) { c.iss = "other"; })), std::invalid_argument);
    EXPECT_THROW(codec_.issue(with([](JwtClaims& c) { c.aud = "other"; })), std::invalid_argument);
    EXPECT_THROW(codec_.issue(with([](JwtClaims& c) { c.exp = c.iat; })), std::invalid_argument);
    EXPECT_THROW(codec_.issue(with([](JwtClaims& c) { c.exp = c.iat + 24 * 3600 + 1; })),
                 std::invalid_argument);
}

TEST(JwtCodecSettingsTest, RefusesWeakSecretsAndBadLimits) {
    JwtSettings s = settings();
    s.secret = std::string(31, 'x');
    EXPECT_THROW(JwtCodec{s}, std::invalid_argument);
    s.secret = std::string(32, 'x');
    EXPECT_NO_THROW(JwtCodec{s});
    s.leeway_seconds = -1;
    EXPECT_THROW(JwtCodec{s}, std::invalid_argument);
    s.leeway_seconds = 30;
    s.issuer.clear();
    EXPECT_THROW(JwtCodec{s}, std::invalid_argument);
}

// --- size and shape -----------------------------------------------------------------------

TEST_F(JwtCodecTest, RefusesOversizedTokensFirst) {
    json claims = validClaims();
    claims["sub"] = std::string(4096, 'a');
    EXPECT_EQ(codeWithClaims(claims), "token_too_large");
    EXPECT_EQ(code(std::string(4097, '.')), "token_too_large");
}

TEST_F(JwtCodecTest, RefusesTokensThatAreNotThreeStrictBase64UrlSegments) {
    const std::string good = hs256Claims(validClaims());
    const auto dot = good.find('.');
    const auto last = good.rfind('.');
    const std::string header = good.substr(0, dot);
    for (const std::string& token : {
             std::string(), std::string("abc"), good.substr(0, last),  // two segments
             good + ".e30",                                            // four segments
             "." + good.substr(dot + 1),                               // empty header
             header + ".." + good.substr(last + 1),                    // empty payload
             header + "=" + good.substr(dot),                          // padding
             header + " " + good.substr(dot),                          // whitespace
             " " + good,                                               // leading whitespace
             good + "\n",                                              // trailing newline
             header + "*" + good.substr(dot),                          // outside the alphabet
             "eyJhbGciOiJIUzI1NiJ9+" + good.substr(dot),               // standard base64 '+'
             header + "A" + good.substr(dot),                          // length 4n+1
         }) {
        EXPECT_EQ(code(token), "malformed_token") << token;
    }
}

TEST_F(JwtCodecTest, RefusesNonCanonicalBase64) {
    // 32 signature bytes are 43 characters whose last one carries 2 unused bits; setting them
    // gives a second spelling of the same signature, which must not be accepted.
    std::string token = hs256Claims(validClaims());
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const auto index = alphabet.find(token.back());
    ASSERT_EQ(index % 4, 0u);
    token.back() = alphabet[index + 1];
    EXPECT_EQ(code(token), "malformed_token");
}

TEST_F(JwtCodecTest, RefusesHeadersAndPayloadsThatAreNotJsonObjects) {
    EXPECT_EQ(code(hs256("not json", validClaims().dump())), "malformed_token");
    EXPECT_EQ(code(hs256("[]", validClaims().dump())), "malformed_token");
    EXPECT_EQ(code(hs256(kHs256Header, "not json")), "malformed_token");
    EXPECT_EQ(code(hs256(kHs256Header, "[1,2]")), "malformed_token");
    EXPECT_EQ(code(hs256(kHs256Header, "\"sub\"")), "malformed_token");
    EXPECT_EQ(code(hs256(kHs256Header, validClaims().dump() + "x")), "malformed_token");
    EXPECT_EQ(code(hs256(kHs256Header, std::string("{\"sub\":\"\xff\"}"))), "malformed_token");
}

TEST_F(JwtCodecTest, ATokenLibjwtCannotReadIsMalformed) {
    // nlohmann accepts an escaped NUL in a string, jansson (inside libjwt) does not: when the two
    // parsers disagree, the token is refused.
    json claims = validClaims();
    claims["sub"] = std::string("alice\0@example.com", 18);
    EXPECT_EQ(codeWithClaims(claims), "malformed_token");
}

// --- algorithms and header -----------------------------------------------------------------

TEST_F(JwtCodecTest, RefusesAlgNoneInEverySpelling) {
    const std::string payload = validClaims().dump();
    for (const char* alg : {"none", "None", "NONE", "nOnE", ""}) {
        const std::string header = std::string(R"({"alg":")") + alg + R"(","typ":"JWT"})";
        const std::string unsigned_token =
            testing::base64Url(header) + "." + testing::base64Url(payload) + ".";
        EXPECT_EQ(code(unsigned_token), "unsupported_algorithm") << alg;
        // Even with a signature that is a valid HMAC under our secret.
        EXPECT_EQ(code(hs256(header, payload)), "unsupported_algorithm") << alg;
    }
}

TEST_F(JwtCodecTest, RefusesOtherAlgorithmsBeforeCheckingTheSignature) {
    const std::string payload = validClaims().dump();
    EXPECT_EQ(code(testing::signedToken(R"({"alg":"HS512","typ":"JWT"})", payload,
                                        [](const std::string& input) {
                                            return testing::hmac(EVP_sha512(), kSecret, input);
                                        })),
              "unsupported_algorithm");
    EXPECT_EQ(code(hs256(R"({"alg":"HS384"})", payload)), "unsupported_algorithm");
    EXPECT_EQ(code(hs256(R"({"alg":"hs256"})", payload)), "unsupported_algorithm");
    EXPECT_EQ(code(hs256(R"({"alg":"ES256"})", payload)), "unsupported_algorithm");
    EXPECT_EQ(code(hs256(R"({"typ":"JWT"})", payload)), "unsupported_algorithm");
    EXPECT_EQ(code(hs256(R"({"alg":["HS256"]})", payload)), "unsupported_algorithm");
    EXPECT_EQ(code(hs256(R"({"alg":null})", payload)), "unsupported_algorithm");
}

TEST_F(JwtCodecTest, RefusesRs256SignedWithARealRsaKey) {
    const testing::RsaKey rsa;
    const std::string token =
        testing::signedToken(R"({"alg":"RS256","typ":"JWT"})", validClaims().dump(),
                             [&](const std::string& input) { return rsa.signRs256(input); });
    EXPECT_EQ(code(token), "unsupported_algorithm");
}

TEST_F(JwtCodecTest, AlgorithmConfusionWithThePublicKeyAsHmacKeyFails) {
    // The attack: take the server's RSA public key (public!) and use its PEM text as an HS256
    // key. We never key an HMAC with anything but our secret, so the signature does not verify.
    const testing::RsaKey rsa;
    const std::string pem = rsa.publicPem();
    ASSERT_NE(pem.find("BEGIN PUBLIC KEY"), std::string::npos);
    EXPECT_EQ(code(hs256Claims(validClaims(), pem)), "invalid_signature");
}

TEST_F(JwtCodecTest, RefusesHeaderParametersThatSelectKeys) {
    const std::string payload = validClaims().dump();
    for (const char* header : {
             R"({"alg":"HS256","kid":"../../dev/null"})",
             R"({"alg":"HS256","jku":"https://evil.example/jwks.json"})",
             R"({"alg":"HS256","jwk":{"kty":"oct","k":"AAAA"}})",
             R"({"alg":"HS256","x5u":"https://evil.example/cert.pem"})",
             R"({"alg":"HS256","x5c":["MIIB"]})",
             R"({"alg":"HS256","crit":["exp"]})",
             R"({"alg":"HS256","cty":"JWT"})",
         }) {
        EXPECT_EQ(code(hs256(header, payload)), "unsupported_algorithm") << header;
    }
}

TEST_F(JwtCodecTest, RefusesAWrongTypAndDuplicateHeaderKeys) {
    const std::string payload = validClaims().dump();
    EXPECT_EQ(code(hs256(R"({"alg":"HS256","typ":"JWS"})", payload)), "malformed_token");
    EXPECT_EQ(code(hs256(R"({"alg":"HS256","typ":1})", payload)), "malformed_token");
    EXPECT_EQ(code(hs256(R"({"alg":"HS256","alg":"HS256"})", payload)), "malformed_token");
    EXPECT_EQ(code(hs256(R"({"alg":"none","alg":"HS256"})", payload)), "malformed_token");
}

// --- signature -----------------------------------------------------------------------------

TEST_F(JwtCodecTest, RefusesForgedSignatures) {
    EXPECT_EQ(code(hs256Claims(validClaims(), "another-secret-of-sufficient-length!!")),
              "invalid_signature");
    // Same secret with one byte changed.
    std::string near = kSecret;
    near.back() = static_cast<char>(near.back() ^ 1);
    EXPECT_EQ(code(hs256Claims(validClaims(), near)), "invalid_signature");
    // Truncated and empty signatures.
    const std::string good = hs256Claims(validClaims());
    EXPECT_EQ(code(good.substr(0, good.size() - 3)), "invalid_signature");
    EXPECT_EQ(code(good.substr(0, good.rfind('.') + 1)), "invalid_signature");
}

TEST_F(JwtCodecTest, RefusesTamperedClaims) {
    const std::string good = hs256Claims(validClaims());
    const std::string signature = good.substr(good.rfind('.'));
    const std::string header = testing::base64Url(kHs256Header);
    for (const auto& [name, value] :
         {std::pair{"role", "super_admin"}, std::pair{"tenant_id", "victim-corp"},
          std::pair{"sub", "root@example.com"}}) {
        json tampered = validClaims();
        tampered[name] = value;
        EXPECT_EQ(code(header + "." + testing::base64Url(tampered.dump()) + signature),
                  "invalid_signature")
            << name;
    }
}

// --- claims --------------------------------------------------------------------------------

TEST_F(JwtCodecTest, RequiresEveryClaim) {
    for (const char* name : {"sub", "tenant_id", "role", "iss", "aud", "jti", "iat", "exp"}) {
        json claims = validClaims();
        claims.erase(name);
        EXPECT_EQ(codeWithClaims(claims), "missing_claim") << name;
    }
}

TEST_F(JwtCodecTest, RefusesClaimsOfTheWrongType) {
    const auto with = [](const char* name, json value) {
        json claims = validClaims();
        claims[name] = std::move(value);
        return claims;
    };
    for (const char* name : {"sub", "tenant_id", "role", "iss", "aud", "jti"}) {
        EXPECT_EQ(codeWithClaims(with(name, "")), "invalid_claim") << name;
        EXPECT_EQ(codeWithClaims(with(name, 7)), "invalid_claim") << name;
        EXPECT_EQ(codeWithClaims(with(name, json::array({"x"}))), "invalid_claim") << name;
        EXPECT_EQ(codeWithClaims(with(name, nullptr)), "invalid_claim") << name;
    }
    for (const char* name : {"iat", "exp", "nbf"}) {
        EXPECT_EQ(codeWithClaims(with(name, std::to_string(kNow))), "invalid_claim") << name;
        EXPECT_EQ(codeWithClaims(with(name, static_cast<double>(kNow) + 0.5)), "invalid_claim")
            << name;
        EXPECT_EQ(codeWithClaims(with(name, -1)), "invalid_claim") << name;
        EXPECT_EQ(codeWithClaims(with(name, true)), "invalid_claim") << name;
        EXPECT_EQ(codeWithClaims(with(name, UINT64_MAX)), "invalid_claim") << name;
        EXPECT_EQ(codeWithClaims(with(name, INT64_MIN)), "invalid_claim") << name;
    }
    // An exponent makes a float even when its value is whole.
    std::string raw = validClaims().dump();
    raw.replace(raw.find(std::to_string(kNow + 3600)), 10, "1.71456e9");
    EXPECT_EQ(code(hs256(kHs256Header, raw)), "invalid_claim");
    // exp not after iat.
    EXPECT_EQ(codeWithClaims(with("exp", kNow - 60)), "invalid_claim");
}

TEST_F(JwtCodecTest, RefusesDuplicateClaims) {
    // Which duplicate wins differs between parsers; a token that says two things is refused.
    std::string raw = validClaims().dump();
    raw.insert(1, R"("role":"super_admin",)");
    EXPECT_EQ(code(hs256(kHs256Header, raw)), "duplicate_claim");
    std::string same = validClaims().dump();
    same.insert(1, R"("role":"viewer",)");
    EXPECT_EQ(code(hs256(kHs256Header, same)), "duplicate_claim");
}

TEST_F(JwtCodecTest, RefusesUnknownClaims) {
    for (const char* name : {"admin", "scope", "roles", "kid", "Sub"}) {
        json claims = validClaims();
        claims[name] = "x";
        EXPECT_EQ(codeWithClaims(claims), "unknown_claim") << name;
    }
}

TEST_F(JwtCodecTest, RefusesAWrongIssuerOrAudience) {
    json claims = validClaims();
    claims["iss"] = "someone-else";
    EXPECT_EQ(codeWithClaims(claims), "invalid_issuer");
    claims = validClaims();
    claims["aud"] = "infrasage-admin";
    EXPECT_EQ(codeWithClaims(claims), "invalid_audience");
    claims["aud"] = "INFRASAGE-API";
    EXPECT_EQ(codeWithClaims(claims), "invalid_audience");
}

TEST_F(JwtCodecTest, RefusesLifetimesOverTheMaximum) {
    json claims = validClaims();
    claims["iat"] = kNow;
    claims["exp"] = kNow + 24 * 3600;
    EXPECT_EQ(codeWithClaims(claims), "accepted");
    claims["exp"] = kNow + 24 * 3600 + 1;
    EXPECT_EQ(codeWithClaims(claims), "lifetime_too_long");
}

// --- time and leeway (30 s) -----------------------------------------------------------------

TEST_F(JwtCodecTest, ExpiryHonoursTheLeewayExactly) {
    json claims = validClaims();
    claims["iat"] = kNow - 3600;
    claims["exp"] = kNow - 29;
    EXPECT_EQ(codeWithClaims(claims), "accepted");
    claims["exp"] = kNow - 30;
    EXPECT_EQ(codeWithClaims(claims), "token_expired");
    claims["exp"] = kNow - 3000;
    EXPECT_EQ(codeWithClaims(claims), "token_expired");
}

TEST_F(JwtCodecTest, NotBeforeHonoursTheLeewayExactly) {
    json claims = validClaims();
    claims["nbf"] = kNow + 30;
    EXPECT_EQ(codeWithClaims(claims), "accepted");
    claims["nbf"] = kNow + 31;
    EXPECT_EQ(codeWithClaims(claims), "token_not_yet_valid");
}

TEST_F(JwtCodecTest, IssuedAtHonoursTheLeewayExactly) {
    json claims = validClaims();
    claims["iat"] = kNow + 30;
    claims["exp"] = kNow + 3600;
    EXPECT_EQ(codeWithClaims(claims), "accepted");
    claims["iat"] = kNow + 31;
    EXPECT_EQ(codeWithClaims(claims), "token_issued_in_future");
    claims["iat"] = kNow + 7 * 24 * 3600;
    claims["exp"] = kNow + 7 * 24 * 3600 + 60;
    EXPECT_EQ(codeWithClaims(claims), "token_issued_in_future");
}

TEST(JwtCodecLeewayTest, ZeroLeewayIsExact) {
    JwtSettings s = settings();
    s.leeway_seconds = 0;
    const JwtCodec codec(s);
    json claims = validClaims();
    claims["exp"] = kNow + 1;
    EXPECT_EQ(codeOf(codec, hs256Claims(claims)), "accepted");
    claims["exp"] = kNow;
    EXPECT_EQ(codeOf(codec, hs256Claims(claims)), "token_expired");
}

TEST(JwtCodecSecretTest, TokensOfAnotherDeploymentFail) {
    JwtSettings other = settings();
    other.secret = std::string(64, 'z');
    EXPECT_EQ(codeOf(JwtCodec(other), hs256Claims(validClaims())), "invalid_signature");
}

}  // namespace
}  // namespace infrasage::auth
