#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <string>

#include "auth/PasswordHasher.h"
#include "common/ApiError.h"

namespace infrasage::auth {
namespace {

// The minimum cost keeps the tests fast; production uses Cost::interactive().
const PasswordHasher& hasher() {
    static const PasswordHasher instance(PasswordHasher::Cost::minimum());
    return instance;
}

const std::string kPassword = "correct horse battery staple";

TEST(PasswordHasherTest, HashesAreArgon2idAndVerify) {
    const std::string phc = hasher().hash(kPassword);
    EXPECT_TRUE(phc.starts_with("$argon2id$v=19$")) << phc;
    EXPECT_TRUE(hasher().verify(phc, kPassword));
    EXPECT_FALSE(hasher().verify(phc, kPassword + " "));
    EXPECT_FALSE(hasher().verify(phc, "Correct horse battery staple"));
    EXPECT_FALSE(hasher().verify(phc, ""));
}

TEST(PasswordHasherTest, HashesAreSalted) {
    EXPECT_NE(hasher().hash(kPassword), hasher().hash(kPassword));
}

TEST(PasswordHasherTest, DefaultCostIsInteractive) {
    const auto cost = PasswordHasher::Cost::interactive();
    EXPECT_EQ(cost.opslimit, crypto_pwhash_OPSLIMIT_INTERACTIVE);
    EXPECT_EQ(cost.memlimit, crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

TEST(PasswordHasherTest, MalformedOrForeignHashesNeverVerify) {
    EXPECT_FALSE(hasher().verify("", kPassword));
    EXPECT_FALSE(hasher().verify("$argon2id$garbage", kPassword));
    EXPECT_FALSE(hasher().verify("plaintext", "plaintext"));
    EXPECT_FALSE(hasher().verify(std::string(1000, '$'), kPassword));
    // An argon2i hash of the right password is still refused: we store only argon2id.
    std::array<char, crypto_pwhash_STRBYTES> argon2i{};
    ASSERT_EQ(crypto_pwhash_str_alg(argon2i.data(), kPassword.data(), kPassword.size(),
                                    crypto_pwhash_OPSLIMIT_MIN + 2, crypto_pwhash_MEMLIMIT_MIN,
                                    crypto_pwhash_ALG_ARGON2I13),
              0);
    EXPECT_FALSE(hasher().verify(argon2i.data(), kPassword));
    EXPECT_TRUE(hasher().needsRehash(argon2i.data()));
}

TEST(PasswordHasherTest, OverlongPasswordsAreRefusedWithoutHashing) {
    const std::string phc = hasher().hash(kPassword);
    EXPECT_FALSE(hasher().verify(phc, std::string(1025, 'a')));
}

TEST(PasswordHasherTest, NeedsRehashWhenTheCostChanged) {
    const std::string phc = hasher().hash(kPassword);
    EXPECT_FALSE(hasher().needsRehash(phc));
    const PasswordHasher stronger({crypto_pwhash_OPSLIMIT_MIN + 1, crypto_pwhash_MEMLIMIT_MIN});
    EXPECT_TRUE(stronger.needsRehash(phc));
    // A hash made by the stronger hasher still verifies with the weaker one (cost is in the PHC).
    EXPECT_TRUE(hasher().verify(stronger.hash(kPassword), kPassword));
    EXPECT_TRUE(hasher().needsRehash("not a hash"));
}

TEST(PasswordHasherTest, BurnVerifyTimeNeverThrows) {
    EXPECT_NO_THROW(hasher().burnVerifyTime());
}

TEST(PasswordPolicyTest, RefusesShortAndOverlongPasswords) {
    EXPECT_NO_THROW(validatePasswordPolicy(std::string(12, 'a')));
    EXPECT_NO_THROW(validatePasswordPolicy(std::string(1024, 'a')));
    for (const std::size_t size : {std::size_t{0}, std::size_t{11}, std::size_t{1025}}) {
        try {
            validatePasswordPolicy(std::string(size, 'a'));
            ADD_FAILURE() << size << " bytes accepted";
        } catch (const ApiError& e) {
            EXPECT_EQ(e.httpStatus(), 400);
            EXPECT_EQ(e.code(), "weak_password");
        }
    }
}

TEST(PasswordPolicyTest, HashAppliesThePolicy) {
    EXPECT_THROW(hasher().hash("short"), ApiError);
    EXPECT_THROW(hasher().hash(std::string(1025, 'a')), ApiError);
}

}  // namespace
}  // namespace infrasage::auth
