#include <gtest/gtest.h>

#include <string>

#include "auth/RefreshTokenSecret.h"
#include "auth/SecretRandom.h"

namespace infrasage::auth {
namespace {

TEST(RefreshTokenSecretTest, GeneratedTokensHaveTheDocumentedFormat) {
    const GeneratedRefreshToken generated = generateRefreshToken();
    EXPECT_EQ(generated.token.size(), 47u);
    EXPECT_TRUE(generated.token.starts_with("isr_"));
    EXPECT_TRUE(isWellFormedRefreshToken(generated.token));
    EXPECT_EQ(generated.id.size(), 19u);
    EXPECT_TRUE(generated.id.starts_with("rt_"));
    EXPECT_EQ(generated.token_hash, sha256Hex(generated.token));
    EXPECT_EQ(generated.token_hash, refreshTokenHash(generated.token));
    const std::string family = newRefreshTokenFamilyId();
    EXPECT_EQ(family.size(), 20u);
    EXPECT_TRUE(family.starts_with("rtf_"));
    EXPECT_NE(newRefreshTokenFamilyId(), family);
    const GeneratedRefreshToken other = generateRefreshToken();
    EXPECT_NE(other.token, generated.token);
    EXPECT_NE(other.id, generated.id);
}

TEST(RefreshTokenSecretTest, WellFormedIsExact) {
    const std::string token = generateRefreshToken().token;
    EXPECT_FALSE(isWellFormedRefreshToken(""));
    EXPECT_FALSE(isWellFormedRefreshToken(token.substr(1)));
    EXPECT_FALSE(isWellFormedRefreshToken(token + "A"));
    EXPECT_FALSE(isWellFormedRefreshToken("isx_" + token.substr(4)));
    EXPECT_FALSE(isWellFormedRefreshToken(token.substr(0, 46) + "="));
    EXPECT_FALSE(isWellFormedRefreshToken(token.substr(0, 46) + "+"));
    EXPECT_TRUE(isWellFormedRefreshToken("isr_" + std::string(43, 'A')));
    // 43 characters carry 258 bits; the 2 unused ones must be zero (one spelling per token).
    EXPECT_FALSE(isWellFormedRefreshToken("isr_" + std::string(42, 'A') + "B"));
}

}  // namespace
}  // namespace infrasage::auth
