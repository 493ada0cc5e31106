#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <utility>

#include "common/ApiError.h"
#include "support/ApiErrorCapture.h"
#include "tenancy/TenantScope.h"

namespace infrasage::tenancy {
namespace {

using testing::Err;
using testing::errorOf;

auth::Principal principal(std::string tenant_id, std::string role,
                          auth::ActorType type = auth::ActorType::User) {
    auth::Principal p;
    p.tenant_id = std::move(tenant_id);
    p.role = std::move(role);
    p.actor = "someone";
    p.actor_type = type;
    return p;
}

TEST(TenantScopeTest, OfIsTheCallersOwnTenant) {
    const auto scope = TenantScope::of(principal("acme", "viewer"));
    EXPECT_FALSE(scope.allTenants());
    EXPECT_EQ(scope.tenantId(), "acme");
}

TEST(TenantScopeTest, OnlySuperAdminMayReadAcrossTenants) {
    const auto all = TenantScope::allTenantsFor(principal("acme", "super_admin"));
    EXPECT_TRUE(all.allTenants());
    EXPECT_TRUE(all.tenantId().empty());

    for (const char* role : {"viewer", "operator", "admin", "system", "Super_Admin", ""}) {
        EXPECT_EQ(errorOf([&] { TenantScope::allTenantsFor(principal("acme", role)); }),
                  Err(403, "forbidden"))
            << role;
    }
}

TEST(TenantScopeTest, NamingAnotherTenantIs404ExceptForSuperAdmin) {
    const auto own = TenantScope::tenantFor(principal("acme", "viewer"), "acme");
    EXPECT_FALSE(own.allTenants());
    EXPECT_EQ(own.tenantId(), "acme");

    for (const char* role : {"viewer", "operator", "admin"}) {
        EXPECT_EQ(errorOf([&] { TenantScope::tenantFor(principal("acme", role), "globex"); }),
                  Err(404, "not_found"))
            << role;
    }
    // An admin API key is no super_admin either.
    EXPECT_EQ(errorOf([&] {
                  TenantScope::tenantFor(principal("acme", "admin", auth::ActorType::ApiKey),
                                         "globex");
              }),
              Err(404, "not_found"));
    // The empty tenant id must not turn into "all tenants".
    EXPECT_EQ(errorOf([&] { TenantScope::tenantFor(principal("acme", "admin"), ""); }),
              Err(404, "not_found"));

    const auto other = TenantScope::tenantFor(principal("acme", "super_admin"), "globex");
    EXPECT_FALSE(other.allTenants());
    EXPECT_EQ(other.tenantId(), "globex");
}

}  // namespace
}  // namespace infrasage::tenancy
