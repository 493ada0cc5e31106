#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "auth/ApiKeyService.h"
#include "common/ApiError.h"
#include "controlstore/ControlStore.h"
#include "support/ApiErrorCapture.h"
#include "support/TestEnv.h"

namespace infrasage::auth {
namespace {

constexpr int64_t kNow = 1714564800;  // 2024-05-01T12:00:00Z
constexpr int64_t kSecondNs = 1'000'000'000;
constexpr int64_t kDay = 86400;
constexpr int64_t kFiveYears = 5 * 365 * kDay;

using testing::Err;
using testing::errorOf;

ApiKeyRequest request(std::string name, std::string scope, int64_t rps = 0,
                      std::optional<int64_t> expires_in = std::nullopt) {
    ApiKeyRequest r;
    r.name = std::move(name);
    r.scope = std::move(scope);
    r.rate_limit_rps = rps;
    r.expires_in_seconds = expires_in;
    return r;
}

class ApiKeyServiceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        addTenant("acme", 100);
        addTenant("globex", 100);
    }

    void addTenant(const std::string& id, int64_t max_api_keys) {
        controlstore::Tenant tenant;
        tenant.id = id;
        tenant.name = id;
        tenant.max_api_keys = max_api_keys;
        tenant.created_at = kNow;
        ASSERT_TRUE(store_->createTenant(tenant));
    }

    void setMaxApiKeys(const std::string& id, int64_t max_api_keys) {
        auto tenant = *store_->tenant(id);
        tenant.max_api_keys = max_api_keys;
        ASSERT_TRUE(store_->updateTenant(tenant));
    }

    void advance(int64_t seconds) { clock_.set(clock_.nowNanos() + seconds * kSecondNs); }

    std::unique_ptr<controlstore::ControlStore> store_ = controlstore::openSqliteControlStore(
        (infrasage::testing::makeTempDir("apikey-service") / "control.db").string());
    ManualClock clock_{kNow * kSecondNs};
    ApiKeyHasher hasher_{"pepper-0123456789abcdef0123456789abcdef"};
    int revocations_ = 0;
    ApiKeyService keys_{*store_, hasher_, clock_, [this] { ++revocations_; }};
};

TEST_F(ApiKeyServiceTest, CreateReturnsTheSecretOnceAndStoresOnlyItsHash) {
    const auto created =
        keys_.create("acme", "alice@example.com", request("collector", "ingestion", 50, 90 * kDay));

    EXPECT_TRUE(isWellFormedApiKey(created.secret)) << created.secret;
    const auto& key = created.key;
    EXPECT_TRUE(key.id.starts_with(kApiKeyIdPrefix)) << key.id;
    EXPECT_EQ(key.tenant_id, "acme");
    EXPECT_EQ(key.name, "collector");
    EXPECT_EQ(key.scope, "ingestion");
    EXPECT_EQ(key.rate_limit_rps, 50);
    EXPECT_EQ(key.prefix, created.secret.substr(0, kApiKeyDisplayPrefixLength));
    EXPECT_EQ(key.hash, hasher_.hash(created.secret));
    EXPECT_EQ(key.created_at, kNow);
    EXPECT_EQ(key.created_by, "alice@example.com");
    EXPECT_EQ(key.expires_at, kNow + 90 * kDay);
    EXPECT_FALSE(key.revoked_at);

    const auto by_hash = store_->apiKeyByHash(hasher_.hash(created.secret));
    ASSERT_TRUE(by_hash);
    EXPECT_EQ(by_hash->id, key.id);
    EXPECT_EQ(keys_.get("acme", key.id).hash, key.hash);

    // Every key gets its own secret.
    const auto other = keys_.create("acme", "alice@example.com", request("collector", "ingestion"));
    EXPECT_NE(other.secret, created.secret);
    EXPECT_NE(other.key.id, key.id);
    EXPECT_FALSE(other.key.expires_at);
}

TEST_F(ApiKeyServiceTest, InvalidRequestsAreRefusedWithStableCodes) {
    const auto create = [&](const ApiKeyRequest& r) {
        return errorOf([&] { keys_.create("acme", "alice", r); });
    };
    EXPECT_EQ(create(request("", "full")), Err(400, "invalid_name"));
    EXPECT_EQ(create(request(std::string(101, 'n'), "full")), Err(400, "invalid_name"));
    EXPECT_EQ(create(request("k", "admin")), Err(400, "invalid_scope"));
    EXPECT_EQ(create(request("k", "FULL")), Err(400, "invalid_scope"));
    EXPECT_EQ(create(request("k", "")), Err(400, "invalid_scope"));
    EXPECT_EQ(create(request("k", "full", -1)), Err(400, "invalid_rate_limit"));
    EXPECT_EQ(create(request("k", "full", 1'000'001)), Err(400, "invalid_rate_limit"));
    EXPECT_EQ(create(request("k", "full", 0, 0)), Err(400, "invalid_expiry"));
    EXPECT_EQ(create(request("k", "full", 0, -10)), Err(400, "invalid_expiry"));
    EXPECT_EQ(create(request("k", "full", 0, kFiveYears + 1)), Err(400, "invalid_expiry"));
    EXPECT_TRUE(keys_.list("acme").empty());

    // The limits themselves are accepted.
    EXPECT_EQ(create(request(std::string(100, 'n'), "readonly", 1'000'000, kFiveYears)),
              Err(0, "no error"));
    EXPECT_EQ(keys_.list("acme").size(), 1u);
}

TEST_F(ApiKeyServiceTest, CreateForAnUnknownTenantIs404) {
    EXPECT_EQ(errorOf([&] { keys_.create("initech", "alice", request("k", "full")); }),
              Err(404, "not_found"));
}

TEST_F(ApiKeyServiceTest, QuotaCountsOnlyActiveKeys) {
    setMaxApiKeys("acme", 2);
    const auto first = keys_.create("acme", "alice", request("a", "full"));
    keys_.create("acme", "alice", request("b", "full", 0, 60));
    EXPECT_EQ(errorOf([&] { keys_.create("acme", "alice", request("c", "full")); }),
              Err(409, "quota_exceeded"));
    EXPECT_EQ(keys_.list("acme").size(), 2u);
    // Another tenant's quota is its own.
    EXPECT_NO_THROW(keys_.create("globex", "bob", request("c", "full")));

    keys_.revoke("acme", first.key.id);
    EXPECT_NO_THROW(keys_.create("acme", "alice", request("c", "full")));
    EXPECT_EQ(errorOf([&] { keys_.create("acme", "alice", request("d", "full")); }),
              Err(409, "quota_exceeded"));

    advance(60);  // the key that expires in 60 s no longer counts
    EXPECT_NO_THROW(keys_.create("acme", "alice", request("d", "full")));
}

TEST_F(ApiKeyServiceTest, ListAndGetStayWithinTheTenant) {
    const auto acme = keys_.create("acme", "alice", request("a", "full"));
    const auto globex = keys_.create("globex", "bob", request("g", "full"));

    const auto listed = keys_.list("acme");
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].id, acme.key.id);

    EXPECT_EQ(keys_.get("globex", globex.key.id).name, "g");
    EXPECT_EQ(errorOf([&] { keys_.get("acme", globex.key.id); }), Err(404, "not_found"));
    EXPECT_EQ(errorOf([&] { keys_.get("acme", "isage_key_doesnotexist00"); }),
              Err(404, "not_found"));
}

TEST_F(ApiKeyServiceTest, RevokeMarksTheKeyAndNotifiesOnce) {
    const auto created = keys_.create("acme", "alice", request("a", "full"));
    advance(10);
    const auto revoked = keys_.revoke("acme", created.key.id);
    EXPECT_EQ(revoked.revoked_at, kNow + 10);
    EXPECT_EQ(revocations_, 1);
    EXPECT_EQ(store_->apiKeyByHash(hasher_.hash(created.secret))->revoked_at, kNow + 10);
    EXPECT_EQ(apiKeyStatus(revoked, kNow + 10), "revoked");

    // Revoking again is idempotent and keeps the first revocation time.
    advance(10);
    EXPECT_EQ(keys_.revoke("acme", created.key.id).revoked_at, kNow + 10);
}

TEST_F(ApiKeyServiceTest, RevokingAnotherTenantsKeyIs404AndChangesNothing) {
    const auto globex = keys_.create("globex", "bob", request("g", "full"));
    EXPECT_EQ(errorOf([&] { keys_.revoke("acme", globex.key.id); }), Err(404, "not_found"));
    EXPECT_EQ(errorOf([&] { keys_.revoke("acme", "isage_key_doesnotexist00"); }),
              Err(404, "not_found"));
    EXPECT_FALSE(keys_.get("globex", globex.key.id).revoked_at);
    EXPECT_EQ(revocations_, 0);
}

TEST_F(ApiKeyServiceTest, RotateCreatesASuccessorAndRevokesTheOldKey) {
    const auto old = keys_.create("acme", "alice", request("collector", "ingestion", 25, kDay));
    advance(100);
    const auto successor = keys_.rotate("acme", "carol@example.com", old.key.id);

    EXPECT_NE(successor.key.id, old.key.id);
    EXPECT_NE(successor.secret, old.secret);
    EXPECT_TRUE(isWellFormedApiKey(successor.secret));
    EXPECT_EQ(successor.key.tenant_id, "acme");
    EXPECT_EQ(successor.key.name, "collector");
    EXPECT_EQ(successor.key.scope, "ingestion");
    EXPECT_EQ(successor.key.rate_limit_rps, 25);
    EXPECT_EQ(successor.key.expires_at, old.key.expires_at);  // rotation does not extend a key
    EXPECT_EQ(successor.key.rotated_from, old.key.id);
    EXPECT_EQ(successor.key.created_by, "carol@example.com");
    EXPECT_EQ(successor.key.created_at, kNow + 100);
    EXPECT_EQ(successor.key.hash, hasher_.hash(successor.secret));
    EXPECT_EQ(revocations_, 1);

    EXPECT_EQ(keys_.get("acme", old.key.id).revoked_at, kNow + 100);
    const auto stored = keys_.get("acme", successor.key.id);
    EXPECT_FALSE(stored.revoked_at);
    EXPECT_EQ(stored.rotated_from, old.key.id);
    EXPECT_EQ(keys_.list("acme").size(), 2u);
}

TEST_F(ApiKeyServiceTest, RotationDoesNotNeedQuotaHeadroom) {
    setMaxApiKeys("acme", 1);
    const auto old = keys_.create("acme", "alice", request("only", "full"));
    const auto successor = keys_.rotate("acme", "alice", old.key.id);
    EXPECT_EQ(store_->countActiveApiKeys("acme", kNow), 1);
    EXPECT_FALSE(keys_.get("acme", successor.key.id).revoked_at);
}

TEST_F(ApiKeyServiceTest, RotatingAnotherTenantsKeyIs404AndChangesNothing) {
    const auto globex = keys_.create("globex", "bob", request("g", "full"));
    EXPECT_EQ(errorOf([&] { keys_.rotate("acme", "mallory", globex.key.id); }),
              Err(404, "not_found"));
    EXPECT_FALSE(keys_.get("globex", globex.key.id).revoked_at);
    EXPECT_EQ(keys_.list("globex").size(), 1u);
    EXPECT_TRUE(keys_.list("acme").empty());
    EXPECT_EQ(revocations_, 0);
}

TEST(ParseDurationSecondsTest, AcceptsUnitsAndPlainSeconds) {
    EXPECT_EQ(parseDurationSeconds("90d"), 90 * kDay);
    EXPECT_EQ(parseDurationSeconds("12h"), 12 * 3600);
    EXPECT_EQ(parseDurationSeconds("30m"), 30 * 60);
    EXPECT_EQ(parseDurationSeconds("3600s"), 3600);
    EXPECT_EQ(parseDurationSeconds("3600"), 3600);
    EXPECT_EQ(parseDurationSeconds("1825d"), kFiveYears);
    EXPECT_EQ(parseDurationSeconds(std::to_string(kFiveYears)), kFiveYears);
}

TEST(ParseDurationSecondsTest, RefusesMalformedNonPositiveAndTooLong) {
    for (const char* text : {"", "d", "s", "0", "0d", "-5", "-5d", "+5", "1.5h", "10x", "1d ",
                             " 1d", "1dd", "1 d", "1826d", "43801h", "99999999999999999999"}) {
        EXPECT_EQ(parseDurationSeconds(text), std::nullopt) << '"' << text << '"';
    }
    EXPECT_EQ(parseDurationSeconds(std::to_string(kFiveYears + 1)), std::nullopt);
}

TEST(ApiKeyStatusTest, RevokedBeforeExpiredBeforeActive) {
    controlstore::ApiKey key;
    EXPECT_EQ(apiKeyStatus(key, kNow), "active");
    key.expires_at = kNow + 1;
    EXPECT_EQ(apiKeyStatus(key, kNow), "active");
    EXPECT_EQ(apiKeyStatus(key, kNow + 1), "expired");  // the expiry instant itself is expired
    key.revoked_at = kNow - 5;
    EXPECT_EQ(apiKeyStatus(key, kNow + 1), "revoked");
    EXPECT_EQ(apiKeyStatus(key, kNow), "revoked");
}

}  // namespace
}  // namespace infrasage::auth

namespace infrasage::auth {
namespace {

TEST_F(ApiKeyServiceTest, RotatingARevokedKeyReplacesItOnceAndNeverPastTheQuota) {
    setMaxApiKeys("acme", 1);
    const auto compromised = keys_.create("acme", "alice", request("only", "full"));
    keys_.revoke("acme", compromised.key.id);
    // Revoke first, replace after (the seed's incident-response order).
    const auto replacement = keys_.rotate("acme", "alice", compromised.key.id);
    EXPECT_EQ(replacement.key.rotated_from, compromised.key.id);
    EXPECT_EQ(replacement.key.scope, "full");
    EXPECT_EQ(errorOf([&] { keys_.rotate("acme", "alice", compromised.key.id); }),
              Err(409, "already_rotated"));
    EXPECT_EQ(store_->countActiveApiKeys("acme", kNow), 1);
}

TEST_F(ApiKeyServiceTest, ReplacingARevokedKeyRespectsTheQuota) {
    setMaxApiKeys("acme", 2);
    const auto first = keys_.create("acme", "alice", request("first", "full"));
    keys_.revoke("acme", first.key.id);
    keys_.create("acme", "alice", request("second", "full"));
    keys_.create("acme", "alice", request("third", "full"));  // the quota is used up again
    EXPECT_EQ(errorOf([&] { keys_.rotate("acme", "alice", first.key.id); }),
              Err(409, "quota_exceeded"));
    EXPECT_EQ(store_->countActiveApiKeys("acme", kNow), 2);
}

}  // namespace
}  // namespace infrasage::auth
