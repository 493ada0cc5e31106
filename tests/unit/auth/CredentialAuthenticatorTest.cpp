#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "auth/ApiKeyService.h"
#include "auth/AuthService.h"
#include "auth/CredentialAuthenticator.h"
#include "auth/UserService.h"
#include "controlstore/ControlStore.h"
#include "support/TestEnv.h"

namespace infrasage::auth {
namespace {

constexpr int64_t kNow = 1714564800;  // 2024-05-01T12:00:00Z
constexpr int64_t kSecondNs = 1'000'000'000;
const std::string kPassword = "correct horse battery staple";
const std::string kJwtSecret = "0123456789abcdef0123456789abcdef-authenticator";

JwtSettings jwtSettings(std::string secret = kJwtSecret) {
    JwtSettings s;
    s.secret = std::move(secret);
    return s;
}

TokenSettings tokenSettings() {
    TokenSettings s;
    s.access_ttl_seconds = 3600;
    return s;
}

Credentials apiKeyHeader(const std::string& secret) {
    Credentials c;
    c.api_key = secret;
    return c;
}

Credentials bearer(const std::string& token) {
    Credentials c;
    c.authorization = "Bearer " + token;
    return c;
}

ApiKeyRequest keyRequest(std::string scope, int64_t rps = 0,
                         std::optional<int64_t> expires_in = std::nullopt) {
    ApiKeyRequest r;
    r.name = "key";
    r.scope = std::move(scope);
    r.rate_limit_rps = rps;
    r.expires_in_seconds = expires_in;
    return r;
}

// The services are wired as the server wires them: every change they make calls invalidate() on
// the authenticator, whose cache otherwise keeps rows for an hour here.
class CredentialAuthenticatorTest : public ::testing::Test {
  protected:
    void SetUp() override {
        addTenant("acme");
        addTenant("globex");
        alice_ = users_.create("acme", Role::SuperAdmin, "alice@example.com", kPassword, "admin");
    }

    void addTenant(const std::string& id) {
        controlstore::Tenant tenant;
        tenant.id = id;
        tenant.name = id;
        tenant.created_at = kNow;
        ASSERT_TRUE(store_->createTenant(tenant));
    }

    void suspend(const std::string& tenant_id) {
        auto tenant = *store_->tenant(tenant_id);
        tenant.active = false;
        ASSERT_TRUE(store_->updateTenant(tenant));
    }

    void advance(int64_t seconds) { clock_.set(clock_.nowNanos() + seconds * kSecondNs); }
    int64_t now() const { return clock_.nowNanos() / kSecondNs; }

    std::string accessToken() {
        return auth_.login("alice@example.com", kPassword, "").access_token;
    }

    std::string failureOf(const Credentials& credentials) {
        auto outcome = authenticator_.authenticate(credentials);
        EXPECT_FALSE(outcome.principal) << "accepted, expected a refusal";
        return outcome.failure;
    }

    std::unique_ptr<controlstore::ControlStore> store_ = controlstore::openSqliteControlStore(
        (infrasage::testing::makeTempDir("authenticator") / "control.db").string());
    ManualClock clock_{kNow * kSecondNs};
    PasswordHasher passwords_{PasswordHasher::Cost::minimum()};
    JwtCodec jwt_{jwtSettings()};
    ApiKeyHasher hasher_{"pepper-0123456789abcdef0123456789abcdef"};
    LoginThrottle throttle_;
    CredentialAuthenticator authenticator_{*store_, jwt_, hasher_, clock_, std::chrono::hours(1)};
    ApiKeyService keys_{*store_, hasher_, clock_, [this] { authenticator_.invalidate(); }};
    UserService users_{*store_, passwords_, clock_, [this] { authenticator_.invalidate(); }};
    AuthService auth_{*store_, jwt_, passwords_, throttle_, clock_, tokenSettings()};
    controlstore::User alice_;
};

TEST_F(CredentialAuthenticatorTest, AnApiKeyActsWithTheRoleOfItsScope) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"full", "admin"}, {"ingestion", "operator"}, {"readonly", "viewer"}};
    for (const auto& [scope, role] : cases) {
        const auto created = keys_.create("acme", "alice", keyRequest(scope, 42));
        const auto outcome = authenticator_.authenticate(apiKeyHeader(created.secret));
        ASSERT_TRUE(outcome.principal) << scope << ": " << outcome.failure;
        const auto& p = *outcome.principal;
        EXPECT_EQ(p.tenant_id, "acme");
        EXPECT_EQ(p.actor, created.key.id);
        EXPECT_EQ(p.actor_type, ActorType::ApiKey);
        EXPECT_EQ(p.role, role);
        EXPECT_EQ(scopeName(p.scope), scope);
        EXPECT_EQ(p.key_rate_limit_rps, 42);
        EXPECT_TRUE(p.user_id.empty());
        EXPECT_EQ(outcome.actor_hint, created.key.id);
        EXPECT_TRUE(outcome.failure.empty());
    }
}

TEST_F(CredentialAuthenticatorTest, AnApiKeyMayComeAsABearerToken) {
    const auto created = keys_.create("acme", "alice", keyRequest("readonly"));
    const auto outcome = authenticator_.authenticate(bearer(created.secret));
    ASSERT_TRUE(outcome.principal) << outcome.failure;
    EXPECT_EQ(outcome.principal->actor, created.key.id);
}

TEST_F(CredentialAuthenticatorTest, MissingMalformedAndUnknownCredentials) {
    EXPECT_EQ(failureOf(Credentials{}), "missing_credentials");
    EXPECT_EQ(failureOf(apiKeyHeader("isage_short")), "malformed_credentials");
    Credentials basic;
    basic.authorization = "Basic YWxpY2U6cGFzcw==";
    EXPECT_EQ(failureOf(basic), "malformed_credentials");

    const auto unknown = generateApiKey().secret;
    const auto outcome = authenticator_.authenticate(apiKeyHeader(unknown));
    EXPECT_FALSE(outcome.principal);
    EXPECT_EQ(outcome.failure, "unknown_api_key");
    // Only the display prefix of a presented secret may reach the audit log.
    EXPECT_EQ(outcome.actor_hint, unknown.substr(0, kApiKeyDisplayPrefixLength));
}

TEST_F(CredentialAuthenticatorTest, ARevokedKeyIsRefusedAsSoonAsTheCacheIsInvalidated) {
    const auto created = keys_.create("acme", "alice", keyRequest("full"));
    ASSERT_TRUE(authenticator_.authenticate(apiKeyHeader(created.secret)).principal);

    keys_.revoke("acme", created.key.id);  // calls invalidate()
    const auto outcome = authenticator_.authenticate(apiKeyHeader(created.secret));
    EXPECT_FALSE(outcome.principal);
    EXPECT_EQ(outcome.failure, "api_key_revoked");
    EXPECT_EQ(outcome.actor_hint, created.key.id);
}

TEST_F(CredentialAuthenticatorTest, WithoutInvalidateARevocationWaitsForTheCacheTtl) {
    // Another node revoked the key: this node's cache has not been told.
    const auto created = keys_.create("acme", "alice", keyRequest("full"));
    ASSERT_TRUE(authenticator_.authenticate(apiKeyHeader(created.secret)).principal);
    ASSERT_TRUE(store_->revokeApiKey("acme", created.key.id, now()));
    EXPECT_TRUE(authenticator_.authenticate(apiKeyHeader(created.secret)).principal);

    authenticator_.invalidate();
    EXPECT_EQ(failureOf(apiKeyHeader(created.secret)), "api_key_revoked");

    // With no cache at all the store's answer is seen at once.
    CredentialAuthenticator uncached(*store_, jwt_, hasher_, clock_, std::chrono::milliseconds(0));
    const auto other = keys_.create("acme", "alice", keyRequest("full"));
    ASSERT_TRUE(uncached.authenticate(apiKeyHeader(other.secret)).principal);
    ASSERT_TRUE(store_->revokeApiKey("acme", other.key.id, now()));
    EXPECT_EQ(uncached.authenticate(apiKeyHeader(other.secret)).failure, "api_key_revoked");
}

TEST_F(CredentialAuthenticatorTest, ARotatedKeyIsRefusedAndItsSuccessorAccepted) {
    const auto old = keys_.create("acme", "alice", keyRequest("ingestion"));
    ASSERT_TRUE(authenticator_.authenticate(apiKeyHeader(old.secret)).principal);
    const auto successor = keys_.rotate("acme", "alice", old.key.id);
    EXPECT_EQ(failureOf(apiKeyHeader(old.secret)), "api_key_revoked");
    const auto outcome = authenticator_.authenticate(apiKeyHeader(successor.secret));
    ASSERT_TRUE(outcome.principal) << outcome.failure;
    EXPECT_EQ(outcome.principal->actor, successor.key.id);
}

TEST_F(CredentialAuthenticatorTest, AnExpiredKeyIsRefusedAtItsExpiryInstant) {
    const auto created = keys_.create("acme", "alice", keyRequest("full", 0, 60));
    advance(59);
    EXPECT_TRUE(authenticator_.authenticate(apiKeyHeader(created.secret)).principal);
    advance(1);  // no invalidate needed: expiry is checked against the clock
    EXPECT_EQ(failureOf(apiKeyHeader(created.secret)), "api_key_expired");
}

TEST_F(CredentialAuthenticatorTest, ASuspendedTenantRefusesItsKeysAndTokens) {
    const auto created = keys_.create("acme", "alice", keyRequest("full"));
    const auto token = accessToken();
    ASSERT_TRUE(authenticator_.authenticate(apiKeyHeader(created.secret)).principal);
    ASSERT_TRUE(authenticator_.authenticate(bearer(token)).principal);

    suspend("acme");
    authenticator_.invalidate();
    EXPECT_EQ(failureOf(apiKeyHeader(created.secret)), "tenant_inactive");
    EXPECT_EQ(failureOf(bearer(token)), "tenant_inactive");
    EXPECT_FALSE(authenticator_.activeTenant("acme"));
    EXPECT_TRUE(authenticator_.activeTenant("globex"));
    EXPECT_FALSE(authenticator_.activeTenant("initech"));
}

TEST_F(CredentialAuthenticatorTest, AValidJwtIsTheUser) {
    const auto outcome = authenticator_.authenticate(bearer(accessToken()));
    ASSERT_TRUE(outcome.principal) << outcome.failure;
    const auto& p = *outcome.principal;
    EXPECT_EQ(p.tenant_id, "acme");
    EXPECT_EQ(p.actor, "alice@example.com");
    EXPECT_EQ(p.actor_type, ActorType::User);
    EXPECT_EQ(p.role, "admin");
    EXPECT_EQ(p.user_id, alice_.id);
    EXPECT_EQ(p.scope, Scope::None);
    EXPECT_EQ(outcome.actor_hint, "alice@example.com");
}

TEST_F(CredentialAuthenticatorTest, JwtVerificationErrorsAreReportedByCode) {
    const auto token = accessToken();
    const JwtCodec forger(jwtSettings("another-secret-another-secret-another-secret"));
    JwtClaims claims = jwt_.verify(token, kNow);
    claims.jti.clear();
    EXPECT_EQ(failureOf(bearer(forger.issue(claims))), "invalid_signature");
    EXPECT_EQ(failureOf(bearer("a.b.c")), "malformed_token");

    advance(3600 + 60);
    EXPECT_EQ(failureOf(bearer(token)), "token_expired");
}

TEST_F(CredentialAuthenticatorTest, AnUnknownRoleClaimIsRefused) {
    JwtClaims claims;
    claims.sub = "alice@example.com";
    claims.tenant_id = "acme";
    claims.role = "root";
    claims.iat = kNow;
    claims.exp = kNow + 60;
    EXPECT_EQ(failureOf(bearer(jwt_.issue(claims))), "unknown_role");
}

TEST_F(CredentialAuthenticatorTest, ADisabledUsersTokenIsRefused) {
    const auto token = accessToken();
    ASSERT_TRUE(authenticator_.authenticate(bearer(token)).principal);
    users_.update("acme", Role::SuperAdmin, alice_.id, UserChange{false, std::nullopt, {}});
    EXPECT_EQ(failureOf(bearer(token)), "user_inactive");
}

TEST_F(CredentialAuthenticatorTest, ATokenForAnUnknownUserIsRefused) {
    JwtClaims claims;
    claims.sub = "ghost@example.com";
    claims.tenant_id = "acme";
    claims.role = "admin";
    claims.iat = kNow;
    claims.exp = kNow + 60;
    EXPECT_EQ(failureOf(bearer(jwt_.issue(claims))), "user_inactive");
}

TEST_F(CredentialAuthenticatorTest, ARoleChangeMakesOldTokensStale) {
    const auto token = accessToken();
    ASSERT_TRUE(authenticator_.authenticate(bearer(token)).principal);
    UserChange demote;
    demote.role = "viewer";
    users_.update("acme", Role::SuperAdmin, alice_.id, demote);
    EXPECT_EQ(failureOf(bearer(token)), "stale_token");

    const auto fresh = authenticator_.authenticate(bearer(accessToken()));
    ASSERT_TRUE(fresh.principal) << fresh.failure;
    EXPECT_EQ(fresh.principal->role, "viewer");
}

TEST_F(CredentialAuthenticatorTest, ATokenNamingAnotherTenantThanTheUsersIsStale) {
    JwtClaims claims = jwt_.verify(accessToken(), kNow);
    claims.tenant_id = "globex";
    claims.jti.clear();
    EXPECT_EQ(failureOf(bearer(jwt_.issue(claims))), "stale_token");
}

TEST_F(CredentialAuthenticatorTest, APasswordChangeRevokesTokensIssuedUpToThatSecond) {
    const auto before = accessToken();
    advance(10);
    const auto same_second = jwt_.issue([&] {
        JwtClaims c = jwt_.verify(before, now());
        c.jti.clear();
        c.iat = now();
        c.exp = now() + 60;
        return c;
    }());
    UserChange change;
    change.password = "a different long passphrase";
    users_.update("acme", Role::SuperAdmin, alice_.id, change);

    EXPECT_EQ(failureOf(bearer(before)), "token_revoked");
    EXPECT_EQ(failureOf(bearer(same_second)), "token_revoked");
    // A login in the same second gets a token issued after the change.
    const auto after =
        auth_.login("alice@example.com", "a different long passphrase", "").access_token;
    const auto outcome = authenticator_.authenticate(bearer(after));
    EXPECT_TRUE(outcome.principal) << outcome.failure;
}

TEST_F(CredentialAuthenticatorTest, TakeLastUsedReportsEachAcceptedKeyOnce) {
    const auto a = keys_.create("acme", "alice", keyRequest("full"));
    const auto b = keys_.create("acme", "alice", keyRequest("readonly"));
    const auto revoked = keys_.create("acme", "alice", keyRequest("readonly"));
    keys_.revoke("acme", revoked.key.id);

    authenticator_.authenticate(apiKeyHeader(a.secret));
    authenticator_.authenticate(apiKeyHeader(b.secret));
    advance(10);
    authenticator_.authenticate(apiKeyHeader(a.secret));
    authenticator_.authenticate(apiKeyHeader(revoked.secret));
    authenticator_.authenticate(bearer(accessToken()));

    auto used = authenticator_.takeLastUsed();
    std::sort(used.begin(), used.end());
    std::vector<std::pair<std::string, int64_t>> expected = {{a.key.id, kNow + 10},
                                                             {b.key.id, kNow}};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(used, expected);
    EXPECT_TRUE(authenticator_.takeLastUsed().empty());
}

}  // namespace
}  // namespace infrasage::auth
