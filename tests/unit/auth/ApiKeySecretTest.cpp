#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>

#include "auth/ApiKeySecret.h"
#include "auth/SecretRandom.h"

namespace infrasage::auth {
namespace {

const std::string kPepper = "pepper-of-at-least-thirty-two-bytes!";

TEST(ApiKeySecretTest, GeneratedKeysHaveTheDocumentedFormat) {
    const GeneratedApiKey key = generateApiKey();
    EXPECT_EQ(key.secret.size(), 38u);
    EXPECT_TRUE(key.secret.starts_with("isage_"));
    EXPECT_TRUE(isWellFormedApiKey(key.secret));
    EXPECT_EQ(key.prefix, key.secret.substr(0, 8));
    EXPECT_EQ(key.id.size(), 26u);
    EXPECT_TRUE(key.id.starts_with("isage_key_"));
    // The id is not a secret and must never be mistaken for one.
    EXPECT_FALSE(isWellFormedApiKey(key.id));
}

TEST(ApiKeySecretTest, GeneratedKeysAreUnique) {
    std::set<std::string> secrets;
    std::set<std::string> ids;
    for (int i = 0; i < 1000; ++i) {
        const auto key = generateApiKey();
        secrets.insert(key.secret);
        ids.insert(key.id);
    }
    EXPECT_EQ(secrets.size(), 1000u);
    EXPECT_EQ(ids.size(), 1000u);
}

TEST(ApiKeySecretTest, WellFormedIsExact) {
    const std::string body(32, 'A');
    EXPECT_TRUE(isWellFormedApiKey("isage_" + body));
    EXPECT_TRUE(isWellFormedApiKey("isage_0123456789abcdefghijABCDEFGHIJzZ"));
    for (const std::string& bad : {
             std::string(), std::string("isage_"),
             "isage_" + body.substr(1),  // 31 characters
             "isage_" + body + "A",      // 33 characters
             "ISAGE_" + body, "isage-" + body, "xsage_" + body, "isage_" + body.substr(1) + "-",
             "isage_" + body.substr(1) + "_", "isage_" + body.substr(1) + "=",
             "isage_" + body.substr(1) + " ", "isage_" + body.substr(1) + std::string(1, '\0'),
             "isage_" + body.substr(1) + "\xc3",
             std::string("isage_ab1c2d3e4f5g6h7i8j9k0l"),  // the seed's example is too short
         }) {
        EXPECT_FALSE(isWellFormedApiKey(bad)) << bad;
    }
}

TEST(ApiKeyHasherTest, HashIsAKeyedDeterministicHmac) {
    const ApiKeyHasher hasher(kPepper);
    const std::string secret = generateApiKey().secret;
    EXPECT_EQ(hasher.hash(secret), hasher.hash(secret));
    EXPECT_EQ(hasher.hash(secret), hmacSha256Hex(kPepper, secret));
    EXPECT_EQ(hasher.hash(secret).size(), 64u);
    EXPECT_NE(hasher.hash(secret), hasher.hash(generateApiKey().secret));
    // Without the pepper the stored value is not a plain digest of the secret.
    EXPECT_NE(hasher.hash(secret), sha256Hex(secret));
}

TEST(ApiKeyHasherTest, DifferentPeppersGiveDifferentHashes) {
    const std::string secret = generateApiKey().secret;
    EXPECT_NE(ApiKeyHasher(kPepper).hash(secret), ApiKeyHasher(kPepper + "x").hash(secret));
}

TEST(ApiKeyHasherTest, RefusesShortPeppers) {
    EXPECT_THROW(ApiKeyHasher(std::string(31, 'p')), std::invalid_argument);
    EXPECT_THROW(ApiKeyHasher(""), std::invalid_argument);
    EXPECT_NO_THROW(ApiKeyHasher(std::string(32, 'p')));
}

}  // namespace
}  // namespace infrasage::auth
