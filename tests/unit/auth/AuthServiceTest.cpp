#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "auth/AuthService.h"
#include "auth/RefreshTokenSecret.h"
#include "common/ApiError.h"
#include "controlstore/ControlStore.h"
#include "support/ApiErrorCapture.h"
#include "support/TestEnv.h"

namespace infrasage::auth {
namespace {

constexpr int64_t kNow = 1714564800;  // 2024-05-01T12:00:00Z
constexpr int64_t kSecondNs = 1'000'000'000;
constexpr int64_t kAccessTtl = 3600;
constexpr int64_t kRefreshTtl = 86400;
const std::string kPassword = "correct horse battery staple";
const std::string kIp = "10.0.0.1";

using testing::Err;
using testing::errorOf;

JwtSettings jwtSettings() {
    JwtSettings s;
    s.secret = "0123456789abcdef0123456789abcdef-auth-service";
    return s;
}

TokenSettings tokenSettings() {
    TokenSettings s;
    s.access_ttl_seconds = kAccessTtl;
    s.refresh_ttl_seconds = kRefreshTtl;
    return s;
}

class AuthServiceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        controlstore::Tenant tenant;
        tenant.id = "acme";
        tenant.name = "Acme";
        tenant.created_at = kNow;
        ASSERT_TRUE(store_->createTenant(tenant));
        alice_ = addUser("usr_alice", "alice@example.com", "admin");
        bob_ = addUser("usr_bob", "bob@example.com", "viewer");
    }

    controlstore::User addUser(const std::string& id, const std::string& email,
                               const std::string& role) {
        controlstore::User user;
        user.id = id;
        user.tenant_id = "acme";
        user.email = email;
        user.password_hash = passwords_.hash(kPassword);
        user.role = role;
        user.created_at = kNow;
        EXPECT_TRUE(store_->createUser(user));
        return user;
    }

    void advance(int64_t seconds) { clock_.set(clock_.nowNanos() + seconds * kSecondNs); }
    int64_t now() const { return clock_.nowNanos() / kSecondNs; }

    static Principal principalOf(const controlstore::User& user) {
        Principal p;
        p.tenant_id = user.tenant_id;
        p.actor = user.email;
        p.actor_type = ActorType::User;
        p.role = user.role;
        p.user_id = user.id;
        return p;
    }

    std::optional<controlstore::RefreshToken> stored(const std::string& refresh_token) {
        return store_->refreshTokenByHash(refreshTokenHash(refresh_token));
    }

    std::unique_ptr<controlstore::ControlStore> store_ = controlstore::openSqliteControlStore(
        (infrasage::testing::makeTempDir("auth-service") / "control.db").string());
    ManualClock clock_{kNow * kSecondNs};
    PasswordHasher passwords_{PasswordHasher::Cost::minimum()};
    JwtCodec jwt_{jwtSettings()};
    LoginThrottle throttle_;
    AuthService auth_{*store_, jwt_, passwords_, throttle_, clock_, tokenSettings()};
    controlstore::User alice_;
    controlstore::User bob_;
};

TEST_F(AuthServiceTest, LoginIssuesAnAccessTokenForTheUserAndAStoredRefreshToken) {
    const auto pair = auth_.login("alice@example.com", kPassword, kIp);

    const auto claims = jwt_.verify(pair.access_token, kNow);
    EXPECT_EQ(claims.sub, "alice@example.com");
    EXPECT_EQ(claims.tenant_id, "acme");
    EXPECT_EQ(claims.role, "admin");
    EXPECT_EQ(claims.iat, kNow);
    EXPECT_EQ(claims.exp, kNow + kAccessTtl);
    EXPECT_EQ(pair.expires_in, kAccessTtl);
    EXPECT_EQ(pair.refresh_expires_in, kRefreshTtl);
    EXPECT_EQ(pair.tenant_id, "acme");

    EXPECT_TRUE(isWellFormedRefreshToken(pair.refresh_token));
    const auto token = stored(pair.refresh_token);
    ASSERT_TRUE(token);
    EXPECT_EQ(token->user_id, "usr_alice");
    EXPECT_EQ(token->tenant_id, "acme");
    EXPECT_EQ(token->issued_at, kNow);
    EXPECT_EQ(token->expires_at, kNow + kRefreshTtl);
    EXPECT_FALSE(token->used_at);
    EXPECT_FALSE(token->revoked_at);
    // Only the hash is stored, never the token itself.
    EXPECT_NE(token->hash, pair.refresh_token);
}

TEST_F(AuthServiceTest, LoginEmailIsCaseInsensitive) {
    EXPECT_EQ(jwt_.verify(auth_.login("Alice@Example.COM", kPassword, kIp).access_token, kNow).sub,
              "alice@example.com");
}

TEST_F(AuthServiceTest, WrongPasswordAndUnknownUserGetTheSameAnswer) {
    const Err wrong = errorOf([&] { auth_.login("alice@example.com", "wrong password!!", kIp); });
    const Err unknown = errorOf([&] { auth_.login("mallory@example.com", kPassword, kIp); });
    EXPECT_EQ(wrong, Err(401, "invalid_credentials"));
    EXPECT_EQ(unknown, wrong);
    EXPECT_EQ(errorOf([&] { auth_.login("alice@example.com", "", kIp); }), wrong);
}

TEST_F(AuthServiceTest, DisabledUserOrSuspendedTenantCannotLogInWithTheRightPassword) {
    auto disabled = alice_;
    disabled.active = false;
    ASSERT_TRUE(store_->updateUser(disabled));
    EXPECT_EQ(errorOf([&] { auth_.login("alice@example.com", kPassword, kIp); }),
              Err(401, "invalid_credentials"));

    auto tenant = *store_->tenant("acme");
    tenant.active = false;
    ASSERT_TRUE(store_->updateTenant(tenant));
    EXPECT_EQ(errorOf([&] { auth_.login("bob@example.com", kPassword, kIp); }),
              Err(401, "invalid_credentials"));
}

TEST_F(AuthServiceTest, FiveFailuresLockTheAccountEvenForTheRightPassword) {
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(errorOf([&] { auth_.login("alice@example.com", "wrong password!!", kIp); }),
                  Err(401, "invalid_credentials"))
            << i;
    }
    try {
        auth_.login("alice@example.com", kPassword, "192.0.2.7");  // another address too
        FAIL() << "a locked account logged in";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.httpStatus(), 429);
        EXPECT_EQ(e.code(), "too_many_login_attempts");
        EXPECT_EQ(e.retryAfterSeconds(), 300);
    }
    // Other accounts are not locked.
    EXPECT_NO_THROW(auth_.login("bob@example.com", kPassword, "192.0.2.7"));

    advance(299);
    try {
        auth_.login("alice@example.com", kPassword, kIp);
        FAIL() << "the lockout ended early";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.code(), "too_many_login_attempts");
        EXPECT_EQ(e.retryAfterSeconds(), 1);
    }
    advance(1);
    EXPECT_NO_THROW(auth_.login("alice@example.com", kPassword, kIp));
}

TEST_F(AuthServiceTest, FailuresForUnknownAccountsAreThrottledToo) {
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(errorOf([&] { auth_.login("nobody@example.com", kPassword, kIp); }),
                  Err(401, "invalid_credentials"));
    }
    EXPECT_EQ(errorOf([&] { auth_.login("NOBODY@example.com", kPassword, kIp); }),
              Err(429, "too_many_login_attempts"));
}

TEST_F(AuthServiceTest, ASuccessfulLoginClearsTheAccountsFailures) {
    for (int i = 0; i < 4; ++i) {
        errorOf([&] { auth_.login("alice@example.com", "wrong password!!", kIp); });
    }
    auth_.login("alice@example.com", kPassword, kIp);
    for (int i = 0; i < 4; ++i) {
        errorOf([&] { auth_.login("alice@example.com", "wrong password!!", kIp); });
    }
    EXPECT_NO_THROW(auth_.login("alice@example.com", kPassword, kIp));
}

TEST_F(AuthServiceTest, RefreshRotatesTheTokenWithinItsFamily) {
    const auto first = auth_.login("alice@example.com", kPassword, kIp);
    advance(60);
    const auto second = auth_.refresh(first.refresh_token);

    EXPECT_NE(second.refresh_token, first.refresh_token);
    const auto claims = jwt_.verify(second.access_token, now());
    EXPECT_EQ(claims.sub, "alice@example.com");
    EXPECT_EQ(claims.iat, kNow + 60);

    const auto old_row = stored(first.refresh_token);
    const auto new_row = stored(second.refresh_token);
    ASSERT_TRUE(old_row);
    ASSERT_TRUE(new_row);
    EXPECT_EQ(old_row->used_at, kNow + 60);
    EXPECT_FALSE(old_row->revoked_at);
    EXPECT_EQ(new_row->family_id, old_row->family_id);
    EXPECT_FALSE(new_row->used_at);
    EXPECT_EQ(new_row->expires_at, kNow + 60 + kRefreshTtl);

    // The successor rotates in turn.
    EXPECT_NO_THROW(auth_.refresh(second.refresh_token));
}

TEST_F(AuthServiceTest, ReusingARotatedTokenRevokesTheWholeFamily) {
    const auto first = auth_.login("alice@example.com", kPassword, kIp);
    const auto other_session = auth_.login("alice@example.com", kPassword, "10.0.0.2");
    const auto second = auth_.refresh(first.refresh_token);  // the legitimate client rotated

    advance(5);
    // An attacker replays the stolen, already rotated token.
    EXPECT_EQ(errorOf([&] { auth_.refresh(first.refresh_token); }),
              Err(401, "refresh_token_reused"));
    // The successor the legitimate client holds is revoked with the family.
    EXPECT_EQ(stored(second.refresh_token)->revoked_at, kNow + 5);
    EXPECT_EQ(errorOf([&] { auth_.refresh(second.refresh_token); }),
              Err(401, "invalid_refresh_token"));
    // And the replayed token stays refused.
    EXPECT_EQ(errorOf([&] { auth_.refresh(first.refresh_token); }),
              Err(401, "invalid_refresh_token"));

    // Another login of the same user is a different family and keeps working.
    EXPECT_NO_THROW(auth_.refresh(other_session.refresh_token));
}

TEST_F(AuthServiceTest, MalformedUnknownAndExpiredRefreshTokensAreRefused) {
    const Err invalid(401, "invalid_refresh_token");
    EXPECT_EQ(errorOf([&] { auth_.refresh(""); }), invalid);
    EXPECT_EQ(errorOf([&] { auth_.refresh("not-a-token"); }), invalid);
    EXPECT_EQ(errorOf([&] { auth_.refresh(generateRefreshToken().token); }), invalid);

    const auto pair = auth_.login("alice@example.com", kPassword, kIp);
    advance(kRefreshTtl);
    EXPECT_EQ(errorOf([&] { auth_.refresh(pair.refresh_token); }), invalid);
}

TEST_F(AuthServiceTest, RefreshForADisabledUserIsRefusedAndRevokesTheFamily) {
    const auto pair = auth_.login("alice@example.com", kPassword, kIp);
    auto disabled = alice_;
    disabled.active = false;
    ASSERT_TRUE(store_->updateUser(disabled));

    EXPECT_EQ(errorOf([&] { auth_.refresh(pair.refresh_token); }),
              Err(401, "invalid_refresh_token"));
    EXPECT_EQ(stored(pair.refresh_token)->revoked_at, kNow);

    // Re-enabling the user does not bring the session back.
    ASSERT_TRUE(store_->updateUser(alice_));
    EXPECT_EQ(errorOf([&] { auth_.refresh(pair.refresh_token); }),
              Err(401, "invalid_refresh_token"));
}

TEST_F(AuthServiceTest, RefreshForASuspendedTenantIsRefused) {
    const auto pair = auth_.login("alice@example.com", kPassword, kIp);
    auto tenant = *store_->tenant("acme");
    tenant.active = false;
    ASSERT_TRUE(store_->updateTenant(tenant));
    EXPECT_EQ(errorOf([&] { auth_.refresh(pair.refresh_token); }),
              Err(401, "invalid_refresh_token"));
}

TEST_F(AuthServiceTest, LogoutRevokesTheCallersFamilyOnly) {
    const auto alice_session = auth_.login("alice@example.com", kPassword, kIp);
    const auto rotated = auth_.refresh(alice_session.refresh_token);

    // Bob cannot log Alice out with her token.
    auth_.logout(principalOf(bob_), rotated.refresh_token);
    EXPECT_FALSE(stored(rotated.refresh_token)->revoked_at);

    advance(3);
    auth_.logout(principalOf(alice_), rotated.refresh_token);
    EXPECT_EQ(stored(rotated.refresh_token)->revoked_at, kNow + 3);
    EXPECT_EQ(errorOf([&] { auth_.refresh(rotated.refresh_token); }),
              Err(401, "invalid_refresh_token"));

    // Logout with nothing or garbage is a no-op, not an error.
    EXPECT_NO_THROW(auth_.logout(principalOf(alice_), ""));
    EXPECT_NO_THROW(auth_.logout(principalOf(alice_), "garbage"));
}

TEST_F(AuthServiceTest, AccessTokensAreIssuedStrictlyAfterTokensValidAfter) {
    auto user = alice_;
    user.tokens_valid_after = kNow;  // e.g. the password was changed this very second
    const auto claims = jwt_.verify(auth_.issueAccessToken(user, kNow), kNow);
    EXPECT_EQ(claims.iat, kNow + 1);
    EXPECT_EQ(claims.exp, kNow + 1 + kAccessTtl);

    user.tokens_valid_after = kNow - 100;
    EXPECT_EQ(jwt_.verify(auth_.issueAccessToken(user, kNow), kNow).iat, kNow);
}

TEST(NormalizeEmailTest, LowercasesAscii) {
    EXPECT_EQ(normalizeEmail("Alice@Example.COM"), "alice@example.com");
    EXPECT_EQ(normalizeEmail("bob@example.com"), "bob@example.com");
}

}  // namespace
}  // namespace infrasage::auth
