#include <gtest/gtest.h>

#include <string>

#include "auth/Roles.h"

namespace infrasage::auth {
namespace {

TEST(RolesTest, RoleNamesRoundTrip) {
    for (Role role : {Role::Viewer, Role::Operator, Role::Admin, Role::SuperAdmin, Role::System}) {
        EXPECT_EQ(parseRole(roleName(role)), role) << roleName(role);
    }
    EXPECT_EQ(roleName(Role::SuperAdmin), "super_admin");
    EXPECT_EQ(parseRole("viewer"), Role::Viewer);
    EXPECT_EQ(parseRole("operator"), Role::Operator);
    EXPECT_EQ(parseRole("admin"), Role::Admin);
    EXPECT_EQ(parseRole("system"), Role::System);
}

TEST(RolesTest, UnknownRoleNamesAreRefusedExactly) {
    for (const char* name :
         {"", "Admin", "ADMIN", "admin ", " admin", "superadmin", "super-admin", "root", "owner"}) {
        EXPECT_FALSE(parseRole(name)) << '"' << name << '"';
    }
    EXPECT_FALSE(parseRole(std::string("admin\0", 6)));
}

TEST(RolesTest, TheLadderIncludesEveryRoleBelow) {
    EXPECT_LT(static_cast<int>(Role::Viewer), static_cast<int>(Role::Operator));
    EXPECT_LT(static_cast<int>(Role::Operator), static_cast<int>(Role::Admin));
    EXPECT_LT(static_cast<int>(Role::Admin), static_cast<int>(Role::SuperAdmin));
    EXPECT_LT(static_cast<int>(Role::SuperAdmin), static_cast<int>(Role::System));
}

TEST(RolesTest, ScopeNamesRoundTrip) {
    for (Scope scope : {Scope::Ingestion, Scope::ReadOnly, Scope::Full}) {
        EXPECT_EQ(parseScope(scopeName(scope)), scope) << scopeName(scope);
    }
    EXPECT_EQ(scopeName(Scope::ReadOnly), "readonly");
    EXPECT_EQ(scopeName(Scope::None), "none");
    for (const char* name : {"", "none", "Full", "read_only", "admin", "write"}) {
        EXPECT_FALSE(parseScope(name)) << '"' << name << '"';
    }
}

TEST(RolesTest, AKeyNeverActsAboveAdmin) {
    EXPECT_EQ(roleForScope(Scope::Full), Role::Admin);
    EXPECT_EQ(roleForScope(Scope::Ingestion), Role::Operator);
    EXPECT_EQ(roleForScope(Scope::ReadOnly), Role::Viewer);
    EXPECT_EQ(roleForScope(Scope::None), Role::Viewer);
}

}  // namespace
}  // namespace infrasage::auth
