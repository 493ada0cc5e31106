#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/ApiError.h"
#include "controlstore/ControlStore.h"
#include "support/ApiErrorCapture.h"
#include "support/TestEnv.h"
#include "tenancy/TenantService.h"

namespace infrasage::tenancy {
namespace {

constexpr int64_t kNow = 1714564800;  // 2024-05-01T12:00:00Z
constexpr int64_t kSecondNs = 1'000'000'000;

using testing::Err;
using testing::errorOf;

class TenantServiceTest : public ::testing::Test {
  protected:
    std::unique_ptr<controlstore::ControlStore> store_ = controlstore::openSqliteControlStore(
        (infrasage::testing::makeTempDir("tenant-service") / "control.db").string());
    ManualClock clock_{kNow * kSecondNs};
    int changes_ = 0;
    TenantService tenants_{*store_, clock_, [this] { ++changes_; }};
};

TEST(TenantIdTest, SlugRules) {
    for (const std::string& id : std::vector<std::string>{"ab", "acme", "acme-corp", "a1", "9lives",
                                                          "a-", std::string(63, 'a')}) {
        EXPECT_TRUE(isValidTenantId(id)) << id;
    }
    for (const std::string& id : std::vector<std::string>{
             "", "a", "-acme", "Acme", "ACME", "acme_corp", "acme corp", "acme.corp", "acme/x",
             "acme\n", "caf\xc3\xa9", std::string(64, 'a')}) {
        EXPECT_FALSE(isValidTenantId(id)) << id;
    }
}

TEST_F(TenantServiceTest, CreateAppliesDefaultsAndFields) {
    const auto plain = tenants_.create("acme", {});
    EXPECT_EQ(plain.id, "acme");
    EXPECT_EQ(plain.name, "acme");  // the id until named
    EXPECT_EQ(plain.plan, "free");
    EXPECT_TRUE(plain.active);
    EXPECT_EQ(plain.created_at, kNow);

    TenantChange fields;
    fields.name = "Globex Corporation";
    fields.plan = "enterprise";
    fields.rps_quota = 5000;
    fields.events_per_month = 0;
    fields.max_api_keys = 3;
    fields.max_users = 7;
    fields.active = false;
    tenants_.create("globex", fields);
    const auto stored = tenants_.get("globex");
    EXPECT_EQ(stored.name, "Globex Corporation");
    EXPECT_EQ(stored.plan, "enterprise");
    EXPECT_EQ(stored.rps_quota, 5000);
    EXPECT_EQ(stored.events_per_month, 0);
    EXPECT_EQ(stored.max_api_keys, 3);
    EXPECT_EQ(stored.max_users, 7);
    EXPECT_FALSE(stored.active);

    EXPECT_EQ(tenants_.list().size(), 2u);
    EXPECT_EQ(changes_, 0);  // a new tenant has no credentials to invalidate
}

TEST_F(TenantServiceTest, InvalidCreatesStoreNothing) {
    EXPECT_EQ(errorOf([&] { tenants_.create("Acme", {}); }), Err(400, "invalid_tenant_id"));
    EXPECT_EQ(errorOf([&] { tenants_.create("-x", {}); }), Err(400, "invalid_tenant_id"));

    TenantChange negative;
    negative.max_users = -1;
    EXPECT_EQ(errorOf([&] { tenants_.create("acme", negative); }), Err(400, "invalid_quota"));
    for (auto field : {&TenantChange::rps_quota, &TenantChange::events_per_month,
                       &TenantChange::max_api_keys, &TenantChange::max_users}) {
        TenantChange change;
        change.*field = -5;
        EXPECT_EQ(errorOf([&] { tenants_.create("acme", change); }), Err(400, "invalid_quota"));
    }
    TenantChange empty_name;
    empty_name.name = "";
    EXPECT_EQ(errorOf([&] { tenants_.create("acme", empty_name); }), Err(400, "invalid_name"));
    TenantChange long_name;
    long_name.name = std::string(201, 'n');
    EXPECT_EQ(errorOf([&] { tenants_.create("acme", long_name); }), Err(400, "invalid_name"));
    TenantChange bad_plan;
    bad_plan.plan = std::string(65, 'p');
    EXPECT_EQ(errorOf([&] { tenants_.create("acme", bad_plan); }), Err(400, "invalid_plan"));

    EXPECT_TRUE(tenants_.list().empty());
}

TEST_F(TenantServiceTest, ZeroQuotasAreAllowed) {
    TenantChange zero;
    zero.rps_quota = 0;
    zero.max_api_keys = 0;
    zero.max_users = 0;
    const auto tenant = tenants_.create("acme", zero);
    EXPECT_EQ(tenant.max_api_keys, 0);
    EXPECT_EQ(tenants_.get("acme").max_users, 0);
}

TEST_F(TenantServiceTest, CreatingAnExistingIdIsAConflict) {
    tenants_.create("acme", {});
    TenantChange other;
    other.name = "Impostor";
    EXPECT_EQ(errorOf([&] { tenants_.create("acme", other); }), Err(409, "already_exists"));
    EXPECT_EQ(tenants_.get("acme").name, "acme");
}

TEST_F(TenantServiceTest, EnsureIsIdempotentAndLeavesAnExistingTenantUnchanged) {
    TenantChange first;
    first.name = "Acme";
    first.max_users = 5;
    const auto created = tenants_.ensure("acme", first);
    EXPECT_EQ(created.name, "Acme");

    clock_.set((kNow + 100) * kSecondNs);
    TenantChange second;
    second.name = "Something else";
    second.max_users = 500;
    second.active = false;
    const auto again = tenants_.ensure("acme", second);
    EXPECT_EQ(again.name, "Acme");
    EXPECT_EQ(again.max_users, 5);
    EXPECT_TRUE(again.active);
    EXPECT_EQ(again.created_at, kNow);
    EXPECT_EQ(tenants_.list().size(), 1u);

    EXPECT_EQ(errorOf([&] { tenants_.ensure("Not A Slug", {}); }), Err(400, "invalid_tenant_id"));
}

TEST_F(TenantServiceTest, UpdateChangesOnlyTheGivenFieldsAndNotifies) {
    TenantChange fields;
    fields.name = "Acme";
    fields.max_api_keys = 10;
    tenants_.create("acme", fields);

    TenantChange suspend;
    suspend.active = false;
    suspend.rps_quota = 10;
    const auto updated = tenants_.update("acme", suspend);
    EXPECT_FALSE(updated.active);
    EXPECT_EQ(changes_, 1);  // credentials of a suspended tenant must stop working at once

    const auto stored = tenants_.get("acme");
    EXPECT_FALSE(stored.active);
    EXPECT_EQ(stored.rps_quota, 10);
    EXPECT_EQ(stored.name, "Acme");
    EXPECT_EQ(stored.max_api_keys, 10);
    EXPECT_EQ(stored.created_at, kNow);
}

TEST_F(TenantServiceTest, RefusedUpdatesChangeNothing) {
    tenants_.create("acme", {});
    TenantChange change;
    change.active = false;
    change.max_users = -1;
    EXPECT_EQ(errorOf([&] { tenants_.update("acme", change); }), Err(400, "invalid_quota"));
    EXPECT_TRUE(tenants_.get("acme").active);
    EXPECT_EQ(changes_, 0);

    EXPECT_EQ(errorOf([&] { tenants_.update("initech", {}); }), Err(404, "not_found"));
    EXPECT_EQ(errorOf([&] { tenants_.get("initech"); }), Err(404, "not_found"));
}

}  // namespace
}  // namespace infrasage::tenancy
