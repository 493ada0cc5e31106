#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "auth/CredentialParser.h"

namespace infrasage::auth {
namespace {

using Kind = PresentedCredential::Kind;

const std::string kKey = "isage_0123456789abcdefghijABCDEFGHIJzZ";
const std::string kOtherKey = "isage_ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ";
const std::string kJwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl";

struct Case {
    std::string name;
    std::string authorization;
    std::string api_key;
    Kind kind;
    std::string value;
};

std::string kindName(Kind kind) {
    switch (kind) {
        case Kind::None:
            return "None";
        case Kind::ApiKey:
            return "ApiKey";
        case Kind::Jwt:
            return "Jwt";
        case Kind::Malformed:
            return "Malformed";
    }
    return "?";
}

TEST(CredentialParserTest, Table) {
    const std::vector<Case> cases = {
        {"nothing", "", "", Kind::None, ""},
        {"x-api-key", "", kKey, Kind::ApiKey, kKey},
        {"x-api-key malformed", "", "isage_short", Kind::Malformed, ""},
        {"x-api-key not ours", "", "sk_live_abc", Kind::Malformed, ""},
        {"x-api-key with space", "", kKey + " ", Kind::Malformed, ""},
        {"bearer jwt", "Bearer " + kJwt, "", Kind::Jwt, kJwt},
        {"bearer lower case", "bearer " + kJwt, "", Kind::Jwt, kJwt},
        {"bearer upper case", "BEARER " + kJwt, "", Kind::Jwt, kJwt},
        {"bearer api key", "Bearer " + kKey, "", Kind::ApiKey, kKey},
        {"bearer malformed api key", "Bearer isage_nope", "", Kind::Malformed, ""},
        {"bearer no token", "Bearer", "", Kind::Malformed, ""},
        {"bearer empty token", "Bearer ", "", Kind::Malformed, ""},
        {"bearer two spaces", "Bearer  " + kJwt, "", Kind::Malformed, ""},
        {"bearer tab", "Bearer\t" + kJwt, "", Kind::Malformed, ""},
        {"bearer trailing space", "Bearer " + kJwt + " ", "", Kind::Malformed, ""},
        {"bearer trailing junk", "Bearer " + kJwt + " extra", "", Kind::Malformed, ""},
        {"bearer newline", "Bearer " + kJwt + "\n", "", Kind::Malformed, ""},
        {"bearer nul", "Bearer " + kJwt + std::string(1, '\0'), "", Kind::Malformed, ""},
        {"bearer comma", "Bearer a,b", "", Kind::Malformed, ""},
        {"bearer padding ok", "Bearer abc==", "", Kind::Jwt, "abc=="},
        {"bearer padding in the middle", "Bearer ab=c", "", Kind::Malformed, ""},
        {"leading space", " Bearer " + kJwt, "", Kind::Malformed, ""},
        {"bearer prefix word", "Bearerx " + kJwt, "", Kind::Malformed, ""},
        {"basic", "Basic dXNlcjpwYXNz", "", Kind::Malformed, ""},
        {"digest", "Digest username=x", "", Kind::Malformed, ""},
        {"scheme only", "Token", "", Kind::Malformed, ""},
        {"both same key", "Bearer " + kKey, kKey, Kind::ApiKey, kKey},
        {"both different keys", "Bearer " + kOtherKey, kKey, Kind::Malformed, ""},
        {"jwt and key", "Bearer " + kJwt, kKey, Kind::Malformed, ""},
        {"basic and key", "Basic dXNlcjpwYXNz", kKey, Kind::Malformed, ""},
        {"bearer and malformed key", "Bearer " + kJwt, "nope", Kind::Malformed, ""},
    };
    for (const Case& c : cases) {
        const PresentedCredential presented = parseCredentials(c.authorization, c.api_key);
        EXPECT_EQ(kindName(presented.kind), kindName(c.kind)) << c.name;
        EXPECT_EQ(presented.value, c.value) << c.name;
    }
}

TEST(CredentialParserTest, RefusesHeadersOver8KiB) {
    const std::string long_jwt(8192 - 7, 'a');
    EXPECT_EQ(parseCredentials("Bearer " + long_jwt, "").kind, Kind::Jwt);
    EXPECT_EQ(parseCredentials("Bearer " + long_jwt + "a", "").kind, Kind::Malformed);
    EXPECT_EQ(parseCredentials("", std::string(8193, 'a')).kind, Kind::Malformed);
    EXPECT_EQ(parseCredentials(std::string(8193, 'a'), kKey).kind, Kind::Malformed);
}

}  // namespace
}  // namespace infrasage::auth
