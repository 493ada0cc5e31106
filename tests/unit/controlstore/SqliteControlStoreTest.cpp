#include <gtest/gtest.h>

#include <stdexcept>

#include "controlstore/SqliteControlStore.h"
#include "unit/controlstore/ControlStoreTestUtil.h"

namespace infrasage::controlstore {
namespace {

using test::makeKey;
using test::makeTenant;
using test::makeToken;
using test::makeUser;

class SqliteControlStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        store_ = openSqliteControlStore(test::storePath("controlstore").string());
        ASSERT_TRUE(store_->createTenant(makeTenant("acme")));
        ASSERT_TRUE(store_->createTenant(makeTenant("globex")));
    }

    std::unique_ptr<ControlStore> store_;
};

// --- tenants ---

TEST_F(SqliteControlStoreTest, ReadsBackEveryTenantField) {
    Tenant expected = makeTenant("initech");
    expected.active = false;
    expected.events_per_month = 0;
    ASSERT_TRUE(store_->createTenant(expected));
    auto found = store_->tenant("initech");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->id, "initech");
    EXPECT_EQ(found->name, expected.name);
    EXPECT_EQ(found->plan, "pro");
    EXPECT_EQ(found->rps_quota, 250);
    EXPECT_EQ(found->events_per_month, 0);
    EXPECT_EQ(found->max_api_keys, 7);
    EXPECT_EQ(found->max_users, 9);
    EXPECT_FALSE(found->active);
    EXPECT_EQ(found->created_at, 1'700'000'000);
    EXPECT_FALSE(store_->tenant("nobody").has_value());
}

TEST_F(SqliteControlStoreTest, CreateTenantWithExistingIdReturnsFalseAndKeepsTheFirst) {
    Tenant duplicate = makeTenant("acme");
    duplicate.name = "Impostor";
    EXPECT_FALSE(store_->createTenant(duplicate));
    EXPECT_EQ(store_->tenant("acme")->name, "Tenant acme");
}

TEST_F(SqliteControlStoreTest, ListsTenantsById) {
    ASSERT_TRUE(store_->createTenant(makeTenant("beta")));
    auto all = store_->tenants();
    ASSERT_EQ(all.size(), 3U);
    EXPECT_EQ(all[0].id, "acme");
    EXPECT_EQ(all[1].id, "beta");
    EXPECT_EQ(all[2].id, "globex");
}

TEST_F(SqliteControlStoreTest, UpdateTenantChangesSettingsButNotCreation) {
    Tenant changed = makeTenant("acme");
    changed.name = "Acme Corp";
    changed.plan = "enterprise";
    changed.rps_quota = 5000;
    changed.max_api_keys = 500;
    changed.active = false;
    changed.created_at = 42;
    EXPECT_TRUE(store_->updateTenant(changed));
    auto found = store_->tenant("acme");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->name, "Acme Corp");
    EXPECT_EQ(found->plan, "enterprise");
    EXPECT_EQ(found->rps_quota, 5000);
    EXPECT_EQ(found->max_api_keys, 500);
    EXPECT_FALSE(found->active);
    EXPECT_EQ(found->created_at, 1'700'000'000);
    EXPECT_FALSE(store_->updateTenant(makeTenant("nobody")));
    EXPECT_FALSE(store_->tenant("nobody").has_value());
}

// --- users ---

TEST_F(SqliteControlStoreTest, ReadsBackUserByEmailAndById) {
    User alice = makeUser("usr_alice", "acme", "alice@acme.test");
    alice.role = "admin";
    ASSERT_TRUE(store_->createUser(alice));
    for (const auto& found :
         {store_->userByEmail("alice@acme.test"), store_->userById("usr_alice")}) {
        ASSERT_TRUE(found.has_value());
        EXPECT_EQ(found->id, "usr_alice");
        EXPECT_EQ(found->tenant_id, "acme");
        EXPECT_EQ(found->email, "alice@acme.test");
        EXPECT_EQ(found->password_hash, alice.password_hash);
        EXPECT_EQ(found->role, "admin");
        EXPECT_TRUE(found->active);
        EXPECT_EQ(found->created_at, alice.created_at);
        EXPECT_EQ(found->tokens_valid_after, alice.tokens_valid_after);
    }
    EXPECT_FALSE(store_->userByEmail("bob@acme.test").has_value());
    EXPECT_FALSE(store_->userById("usr_bob").has_value());
}

TEST_F(SqliteControlStoreTest, EmailIsUniqueAcrossTenantsAndLetterCase) {
    ASSERT_TRUE(store_->createUser(makeUser("usr_1", "acme", "alice@example.com")));
    EXPECT_FALSE(store_->createUser(makeUser("usr_2", "globex", "alice@example.com")));
    EXPECT_FALSE(store_->createUser(makeUser("usr_3", "globex", "Alice@Example.com")));
    EXPECT_FALSE(store_->userById("usr_2").has_value());
    EXPECT_FALSE(store_->userById("usr_3").has_value());
    EXPECT_EQ(store_->userByEmail("ALICE@example.com")->id, "usr_1");
}

TEST_F(SqliteControlStoreTest, CreateUserWithExistingIdReturnsFalse) {
    ASSERT_TRUE(store_->createUser(makeUser("usr_1", "acme", "one@acme.test")));
    EXPECT_FALSE(store_->createUser(makeUser("usr_1", "acme", "two@acme.test")));
    EXPECT_FALSE(store_->userByEmail("two@acme.test").has_value());
}

TEST_F(SqliteControlStoreTest, RefusesUserOfUnknownTenantOrRole) {
    EXPECT_THROW(store_->createUser(makeUser("usr_1", "nobody", "x@nobody.test")),
                 std::runtime_error);
    User bad_role = makeUser("usr_2", "acme", "y@acme.test");
    bad_role.role = "root";
    EXPECT_THROW(store_->createUser(bad_role), std::runtime_error);
    EXPECT_EQ(store_->countUsers("acme"), 0);
}

TEST_F(SqliteControlStoreTest, ListsAndCountsUsersPerTenant) {
    ASSERT_TRUE(store_->createUser(makeUser("usr_b", "acme", "b@acme.test")));
    ASSERT_TRUE(store_->createUser(makeUser("usr_a", "acme", "a@acme.test")));
    ASSERT_TRUE(store_->createUser(makeUser("usr_g", "globex", "g@globex.test")));
    auto acme = store_->users("acme");
    ASSERT_EQ(acme.size(), 2U);
    EXPECT_EQ(acme[0].email, "a@acme.test");
    EXPECT_EQ(acme[1].email, "b@acme.test");
    EXPECT_EQ(store_->countUsers("acme"), 2);
    EXPECT_EQ(store_->countUsers("globex"), 1);
    EXPECT_EQ(store_->countUsers("nobody"), 0);
    EXPECT_TRUE(store_->users("nobody").empty());
}

TEST_F(SqliteControlStoreTest, UpdateUserChangesCredentialsButNotTenant) {
    ASSERT_TRUE(store_->createUser(makeUser("usr_1", "acme", "old@acme.test")));
    User changed = makeUser("usr_1", "globex", "new@acme.test");
    changed.password_hash = "$argon2id$new";
    changed.role = "viewer";
    changed.active = false;
    changed.tokens_valid_after = 1'800'000'000;
    EXPECT_TRUE(store_->updateUser(changed));
    auto found = store_->userById("usr_1");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->tenant_id, "acme");
    EXPECT_EQ(found->email, "new@acme.test");
    EXPECT_EQ(found->password_hash, "$argon2id$new");
    EXPECT_EQ(found->role, "viewer");
    EXPECT_FALSE(found->active);
    EXPECT_EQ(found->tokens_valid_after, 1'800'000'000);
    EXPECT_FALSE(store_->userByEmail("old@acme.test").has_value());
    EXPECT_FALSE(store_->updateUser(makeUser("usr_missing", "acme", "m@acme.test")));
}

TEST_F(SqliteControlStoreTest, UpdateUserToAnEmailInUseThrowsAndChangesNothing) {
    ASSERT_TRUE(store_->createUser(makeUser("usr_1", "acme", "one@acme.test")));
    ASSERT_TRUE(store_->createUser(makeUser("usr_2", "acme", "two@acme.test")));
    EXPECT_THROW(store_->updateUser(makeUser("usr_2", "acme", "one@acme.test")),
                 std::runtime_error);
    EXPECT_EQ(store_->userById("usr_2")->email, "two@acme.test");
}

// --- API keys ---

TEST_F(SqliteControlStoreTest, ReadsBackEveryApiKeyField) {
    ApiKey key = makeKey("isage_key_1", "acme");
    key.scope = "full";
    key.expires_at = 1'800'000'000;
    key.last_used_at = 1'700'000'500;
    key.rotated_from = "isage_key_0";
    store_->createApiKey(key);
    for (const auto& found :
         {store_->apiKeyByHash("hash-isage_key_1"), store_->apiKey("acme", "isage_key_1")}) {
        ASSERT_TRUE(found.has_value());
        EXPECT_EQ(found->id, "isage_key_1");
        EXPECT_EQ(found->tenant_id, "acme");
        EXPECT_EQ(found->name, key.name);
        EXPECT_EQ(found->scope, "full");
        EXPECT_EQ(found->prefix, "isage_ab");
        EXPECT_EQ(found->hash, "hash-isage_key_1");
        EXPECT_EQ(found->rate_limit_rps, 50);
        EXPECT_EQ(found->expires_at, std::optional<int64_t>(1'800'000'000));
        EXPECT_EQ(found->created_at, key.created_at);
        EXPECT_EQ(found->created_by, "admin@example.com");
        EXPECT_EQ(found->last_used_at, std::optional<int64_t>(1'700'000'500));
        EXPECT_FALSE(found->revoked_at.has_value());
        EXPECT_EQ(found->rotated_from, "isage_key_0");
    }
    EXPECT_FALSE(store_->apiKeyByHash("hash-unknown").has_value());
}

TEST_F(SqliteControlStoreTest, UnsetOptionalKeyFieldsReadBackUnset) {
    store_->createApiKey(makeKey("isage_key_1", "acme"));
    auto found = store_->apiKey("acme", "isage_key_1");
    ASSERT_TRUE(found.has_value());
    EXPECT_FALSE(found->expires_at.has_value());
    EXPECT_FALSE(found->last_used_at.has_value());
    EXPECT_FALSE(found->revoked_at.has_value());
    EXPECT_EQ(found->rotated_from, "");
}

TEST_F(SqliteControlStoreTest, DuplicateKeyHashOrUnknownTenantThrows) {
    store_->createApiKey(makeKey("isage_key_1", "acme"));
    ApiKey same_hash = makeKey("isage_key_2", "acme");
    same_hash.hash = "hash-isage_key_1";
    EXPECT_THROW(store_->createApiKey(same_hash), std::runtime_error);
    EXPECT_THROW(store_->createApiKey(makeKey("isage_key_3", "nobody")), std::runtime_error);
    EXPECT_EQ(store_->apiKeys("acme").size(), 1U);
}

TEST_F(SqliteControlStoreTest, KeyOfOneTenantIsInvisibleToAnother) {
    store_->createApiKey(makeKey("isage_key_a", "acme"));
    EXPECT_FALSE(store_->apiKey("globex", "isage_key_a").has_value());
    EXPECT_TRUE(store_->apiKeys("globex").empty());
    EXPECT_FALSE(store_->revokeApiKey("globex", "isage_key_a", 100));
    EXPECT_FALSE(
        store_->rotateApiKey("globex", "isage_key_a", makeKey("isage_key_b", "globex"), 100));
    auto key = store_->apiKey("acme", "isage_key_a");
    ASSERT_TRUE(key.has_value());
    EXPECT_FALSE(key->revoked_at.has_value());
    EXPECT_FALSE(store_->apiKeyByHash("hash-isage_key_b").has_value());
}

TEST_F(SqliteControlStoreTest, ListsKeysOfOneTenantByCreation) {
    ApiKey later = makeKey("isage_key_1", "acme");
    later.created_at = 200;
    ApiKey earlier = makeKey("isage_key_2", "acme");
    earlier.created_at = 100;
    store_->createApiKey(later);
    store_->createApiKey(earlier);
    store_->createApiKey(makeKey("isage_key_3", "globex"));
    auto keys = store_->apiKeys("acme");
    ASSERT_EQ(keys.size(), 2U);
    EXPECT_EQ(keys[0].id, "isage_key_2");
    EXPECT_EQ(keys[1].id, "isage_key_1");
}

TEST_F(SqliteControlStoreTest, CountsOnlyUnrevokedUnexpiredKeys) {
    const int64_t now = 1000;
    store_->createApiKey(makeKey("isage_key_plain", "acme"));
    ApiKey future = makeKey("isage_key_future", "acme");
    future.expires_at = now + 1;
    store_->createApiKey(future);
    ApiKey expiring_now = makeKey("isage_key_now", "acme");
    expiring_now.expires_at = now;
    store_->createApiKey(expiring_now);
    ApiKey expired = makeKey("isage_key_past", "acme");
    expired.expires_at = now - 1;
    store_->createApiKey(expired);
    store_->createApiKey(makeKey("isage_key_revoked", "acme"));
    ASSERT_TRUE(store_->revokeApiKey("acme", "isage_key_revoked", now - 10));
    store_->createApiKey(makeKey("isage_key_other", "globex"));
    EXPECT_EQ(store_->countActiveApiKeys("acme", now), 2);
    EXPECT_EQ(store_->countActiveApiKeys("globex", now), 1);
}

TEST_F(SqliteControlStoreTest, RevokeKeepsTheFirstRevocationTime) {
    store_->createApiKey(makeKey("isage_key_1", "acme"));
    EXPECT_TRUE(store_->revokeApiKey("acme", "isage_key_1", 100));
    EXPECT_TRUE(store_->revokeApiKey("acme", "isage_key_1", 200));
    EXPECT_EQ(store_->apiKey("acme", "isage_key_1")->revoked_at, std::optional<int64_t>(100));
    EXPECT_FALSE(store_->revokeApiKey("acme", "isage_key_missing", 100));
}

TEST_F(SqliteControlStoreTest, RotateRevokesOldKeyAndStoresSuccessorInOneStep) {
    store_->createApiKey(makeKey("isage_key_old", "acme"));
    ApiKey successor = makeKey("isage_key_new", "globex");  // tenant is forced to the old key's
    EXPECT_TRUE(store_->rotateApiKey("acme", "isage_key_old", successor, 300));
    EXPECT_EQ(store_->apiKey("acme", "isage_key_old")->revoked_at, std::optional<int64_t>(300));
    auto found = store_->apiKeyByHash("hash-isage_key_new");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->tenant_id, "acme");
    EXPECT_EQ(found->rotated_from, "isage_key_old");
    EXPECT_FALSE(found->revoked_at.has_value());

    // The old key was consumed: rotating it again is refused and stores nothing.
    EXPECT_FALSE(
        store_->rotateApiKey("acme", "isage_key_old", makeKey("isage_key_2nd", "acme"), 400));
    EXPECT_FALSE(store_->apiKeyByHash("hash-isage_key_2nd").has_value());
    EXPECT_EQ(store_->apiKeys("acme").size(), 2U);
    EXPECT_EQ(store_->apiKey("acme", "isage_key_old")->revoked_at, std::optional<int64_t>(300));
}

TEST_F(SqliteControlStoreTest, RotateOfRevokedOrUnknownKeyIsRefused) {
    store_->createApiKey(makeKey("isage_key_old", "acme"));
    ASSERT_TRUE(store_->revokeApiKey("acme", "isage_key_old", 100));
    EXPECT_FALSE(
        store_->rotateApiKey("acme", "isage_key_old", makeKey("isage_key_a", "acme"), 200));
    EXPECT_FALSE(
        store_->rotateApiKey("acme", "isage_key_none", makeKey("isage_key_b", "acme"), 200));
    EXPECT_EQ(store_->apiKeys("acme").size(), 1U);
}

TEST_F(SqliteControlStoreTest, FailedRotationLeavesOldKeyActive) {
    store_->createApiKey(makeKey("isage_key_old", "acme"));
    store_->createApiKey(makeKey("isage_key_taken", "acme"));
    ApiKey clashing = makeKey("isage_key_new", "acme");
    clashing.hash = "hash-isage_key_taken";
    EXPECT_THROW(store_->rotateApiKey("acme", "isage_key_old", clashing, 300), std::runtime_error);
    EXPECT_FALSE(store_->apiKey("acme", "isage_key_old")->revoked_at.has_value());
    EXPECT_FALSE(store_->apiKey("acme", "isage_key_new").has_value());
    // The store is still usable after the rolled-back transaction.
    EXPECT_TRUE(
        store_->rotateApiKey("acme", "isage_key_old", makeKey("isage_key_new", "acme"), 300));
}

TEST_F(SqliteControlStoreTest, TouchMovesLastUsedOnlyForward) {
    store_->createApiKey(makeKey("isage_key_1", "acme"));
    store_->createApiKey(makeKey("isage_key_2", "globex"));
    store_->touchApiKeys({{"isage_key_1", 500}, {"isage_key_2", 600}, {"isage_key_missing", 700}});
    EXPECT_EQ(store_->apiKey("acme", "isage_key_1")->last_used_at, std::optional<int64_t>(500));
    EXPECT_EQ(store_->apiKey("globex", "isage_key_2")->last_used_at, std::optional<int64_t>(600));
    store_->touchApiKeys({{"isage_key_1", 400}, {"isage_key_2", 650}});
    EXPECT_EQ(store_->apiKey("acme", "isage_key_1")->last_used_at, std::optional<int64_t>(500));
    EXPECT_EQ(store_->apiKey("globex", "isage_key_2")->last_used_at, std::optional<int64_t>(650));
    store_->touchApiKeys({});
    EXPECT_EQ(store_->apiKey("acme", "isage_key_1")->last_used_at, std::optional<int64_t>(500));
}

TEST_F(SqliteControlStoreTest, ListsKeysRevokedAtOrAfterAnInstant) {
    for (const char* id : {"isage_key_1", "isage_key_2", "isage_key_3", "isage_key_4"}) {
        store_->createApiKey(makeKey(id, "acme"));
    }
    ASSERT_TRUE(store_->revokeApiKey("acme", "isage_key_1", 100));
    ASSERT_TRUE(store_->revokeApiKey("acme", "isage_key_3", 300));
    ASSERT_TRUE(store_->revokeApiKey("acme", "isage_key_2", 200));
    EXPECT_EQ(store_->apiKeysRevokedSince(200),
              (std::vector<std::string>{"isage_key_2", "isage_key_3"}));
    EXPECT_EQ(store_->apiKeysRevokedSince(0).size(), 3U);
    EXPECT_TRUE(store_->apiKeysRevokedSince(301).empty());
}

// --- refresh tokens ---

class RefreshTokenTest : public SqliteControlStoreTest {
  protected:
    void SetUp() override {
        SqliteControlStoreTest::SetUp();
        ASSERT_TRUE(store_->createUser(makeUser("usr_alice", "acme", "alice@acme.test")));
        ASSERT_TRUE(store_->createUser(makeUser("usr_bob", "acme", "bob@acme.test")));
    }
};

TEST_F(RefreshTokenTest, ReadsBackEveryTokenField) {
    store_->createRefreshToken(makeToken("rt_1", "fam_1", "usr_alice", "acme"));
    auto found = store_->refreshTokenByHash("rt-hash-rt_1");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->id, "rt_1");
    EXPECT_EQ(found->family_id, "fam_1");
    EXPECT_EQ(found->user_id, "usr_alice");
    EXPECT_EQ(found->tenant_id, "acme");
    EXPECT_EQ(found->hash, "rt-hash-rt_1");
    EXPECT_EQ(found->issued_at, 1'700'000'300);
    EXPECT_EQ(found->expires_at, 1'700'086'700);
    EXPECT_FALSE(found->used_at.has_value());
    EXPECT_FALSE(found->revoked_at.has_value());
    EXPECT_FALSE(store_->refreshTokenByHash("rt-hash-unknown").has_value());
}

TEST_F(RefreshTokenTest, TokenOfUnknownUserThrows) {
    EXPECT_THROW(store_->createRefreshToken(makeToken("rt_1", "fam_1", "usr_nobody", "acme")),
                 std::runtime_error);
}

TEST_F(RefreshTokenTest, RotationMarksOldUsedAndStoresSuccessor) {
    store_->createRefreshToken(makeToken("rt_1", "fam_1", "usr_alice", "acme"));
    EXPECT_TRUE(
        store_->rotateRefreshToken("rt_1", makeToken("rt_2", "fam_1", "usr_alice", "acme"), 500));
    EXPECT_EQ(store_->refreshTokenByHash("rt-hash-rt_1")->used_at, std::optional<int64_t>(500));
    auto successor = store_->refreshTokenByHash("rt-hash-rt_2");
    ASSERT_TRUE(successor.has_value());
    EXPECT_EQ(successor->family_id, "fam_1");
    EXPECT_FALSE(successor->used_at.has_value());
}

TEST_F(RefreshTokenTest, SecondRotationOfTheSameTokenIsReuseAndStoresNothing) {
    store_->createRefreshToken(makeToken("rt_1", "fam_1", "usr_alice", "acme"));
    ASSERT_TRUE(
        store_->rotateRefreshToken("rt_1", makeToken("rt_2", "fam_1", "usr_alice", "acme"), 500));
    EXPECT_FALSE(
        store_->rotateRefreshToken("rt_1", makeToken("rt_3", "fam_1", "usr_alice", "acme"), 600));
    EXPECT_FALSE(store_->refreshTokenByHash("rt-hash-rt_3").has_value());
    EXPECT_EQ(store_->refreshTokenByHash("rt-hash-rt_1")->used_at, std::optional<int64_t>(500));
}

TEST_F(RefreshTokenTest, RevokedOrUnknownTokenCannotRotate) {
    store_->createRefreshToken(makeToken("rt_1", "fam_1", "usr_alice", "acme"));
    store_->revokeRefreshFamily("fam_1", 400);
    EXPECT_FALSE(
        store_->rotateRefreshToken("rt_1", makeToken("rt_2", "fam_1", "usr_alice", "acme"), 500));
    EXPECT_FALSE(store_->rotateRefreshToken("rt_none",
                                            makeToken("rt_3", "fam_1", "usr_alice", "acme"), 500));
    EXPECT_FALSE(store_->refreshTokenByHash("rt-hash-rt_2").has_value());
    EXPECT_FALSE(store_->refreshTokenByHash("rt-hash-rt_3").has_value());
    EXPECT_FALSE(store_->refreshTokenByHash("rt-hash-rt_1")->used_at.has_value());
}

TEST_F(RefreshTokenTest, RevokingAFamilyRevokesAllItsTokensOnly) {
    store_->createRefreshToken(makeToken("rt_1", "fam_1", "usr_alice", "acme"));
    ASSERT_TRUE(
        store_->rotateRefreshToken("rt_1", makeToken("rt_2", "fam_1", "usr_alice", "acme"), 500));
    store_->createRefreshToken(makeToken("rt_3", "fam_2", "usr_alice", "acme"));
    store_->revokeRefreshFamily("fam_1", 600);
    EXPECT_EQ(store_->refreshTokenByHash("rt-hash-rt_1")->revoked_at, std::optional<int64_t>(600));
    EXPECT_EQ(store_->refreshTokenByHash("rt-hash-rt_2")->revoked_at, std::optional<int64_t>(600));
    EXPECT_FALSE(store_->refreshTokenByHash("rt-hash-rt_3")->revoked_at.has_value());
    // A later revocation keeps the first instant.
    store_->revokeRefreshFamily("fam_1", 700);
    EXPECT_EQ(store_->refreshTokenByHash("rt-hash-rt_2")->revoked_at, std::optional<int64_t>(600));
}

TEST_F(RefreshTokenTest, RevokingAUserRevokesEveryFamilyOfThatUserOnly) {
    store_->createRefreshToken(makeToken("rt_1", "fam_1", "usr_alice", "acme"));
    store_->createRefreshToken(makeToken("rt_2", "fam_2", "usr_alice", "acme"));
    store_->createRefreshToken(makeToken("rt_3", "fam_3", "usr_bob", "acme"));
    store_->revokeUserRefreshTokens("usr_alice", 800);
    EXPECT_EQ(store_->refreshTokenByHash("rt-hash-rt_1")->revoked_at, std::optional<int64_t>(800));
    EXPECT_EQ(store_->refreshTokenByHash("rt-hash-rt_2")->revoked_at, std::optional<int64_t>(800));
    EXPECT_FALSE(store_->refreshTokenByHash("rt-hash-rt_3")->revoked_at.has_value());
}

}  // namespace
}  // namespace infrasage::controlstore
