#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>

#include "common/ApiError.h"
#include "http/AuthorizationFilter.h"

namespace infrasage::http {
namespace {

using auth::ActorType;
using auth::Role;
using auth::Scope;

std::optional<auth::Principal> user(std::string role) {
    auth::Principal p;
    p.tenant_id = "acme";
    p.actor = "alice@example.com";
    p.actor_type = ActorType::User;
    p.role = std::move(role);
    p.user_id = "usr_alice";
    return p;
}

// A key as the authenticator builds it: its role is the one its scope maps to.
std::optional<auth::Principal> key(Scope scope) {
    auth::Principal p;
    p.tenant_id = "acme";
    p.actor = "isage_key_abc";
    p.actor_type = ActorType::ApiKey;
    p.role = std::string(auth::roleName(auth::roleForScope(scope)));
    p.scope = scope;
    return p;
}

const std::optional<auth::Principal> kNobody;
constexpr unsigned kAllKeys = kIngestionKeys | kReadOnlyKeys | kFullKeys;

Route routeWith(AccessPolicy policy) {
    return Route{"GET", "/x", std::move(policy), nullptr};
}

// {status, code} of the ApiError onRequest throws, or {0, ""} when it lets the request through.
std::pair<int, std::string> filterOutcome(const AccessPolicy& policy,
                                          std::optional<auth::Principal> principal) {
    AuthorizationFilter filter;
    RequestContext ctx;
    ctx.principal = std::move(principal);
    try {
        filter.onRequest(routeWith(policy), Request{}, ctx);
    } catch (const ApiError& e) {
        return {e.httpStatus(), e.code()};
    }
    return {0, ""};
}

TEST(AuthorizationFilterTest, PublicRoutesNeedNothing) {
    const auto policy = AccessPolicy::open("health");
    EXPECT_EQ(AuthorizationFilter::decide(policy, kNobody), 0);
    EXPECT_EQ(AuthorizationFilter::decide(policy, user("viewer")), 0);
    EXPECT_EQ(AuthorizationFilter::decide(policy, key(Scope::ReadOnly)), 0);
}

TEST(AuthorizationFilterTest, UndeclaredRoutesAreRefusedToEveryone) {
    const AccessPolicy undeclared;
    EXPECT_EQ(undeclared.kind, AccessPolicy::Kind::Undeclared);
    EXPECT_EQ(AuthorizationFilter::decide(undeclared, kNobody), 401);
    for (const char* role : {"viewer", "admin", "super_admin", "system"}) {
        EXPECT_EQ(AuthorizationFilter::decide(undeclared, user(role)), 403) << role;
    }
    EXPECT_EQ(AuthorizationFilter::decide(undeclared, key(Scope::Full)), 403);
    // Even a policy that names roles and scopes is refused while its kind is undeclared.
    AccessPolicy half_declared;
    half_declared.min_role = Role::Viewer;
    half_declared.key_scopes = kFullKeys;
    EXPECT_EQ(AuthorizationFilter::decide(half_declared, user("super_admin")), 403);
}

TEST(AuthorizationFilterTest, AuthenticatedRoutesNeedAPrincipal) {
    EXPECT_EQ(
        AuthorizationFilter::decide(AccessPolicy::users(Role::Viewer, kReadOnlyKeys, "x"), kNobody),
        401);
}

TEST(AuthorizationFilterTest, UsersClimbTheRoleLadder) {
    const Role ladder[] = {Role::Viewer, Role::Operator, Role::Admin, Role::SuperAdmin};
    for (Role min_role : ladder) {
        const auto policy = AccessPolicy::users(min_role, kNoKeys, "x");
        for (Role role : ladder) {
            const int expected = static_cast<int>(role) >= static_cast<int>(min_role) ? 0 : 403;
            EXPECT_EQ(AuthorizationFilter::decide(policy, user(std::string(auth::roleName(role)))),
                      expected)
                << auth::roleName(role) << " on a " << auth::roleName(min_role) << " route";
        }
    }
}

TEST(AuthorizationFilterTest, AnUnknownRoleIsRefused) {
    const auto policy = AccessPolicy::users(Role::Viewer, kAllKeys, "x");
    EXPECT_EQ(AuthorizationFilter::decide(policy, user("root")), 403);
    EXPECT_EQ(AuthorizationFilter::decide(policy, user("")), 403);
    EXPECT_EQ(AuthorizationFilter::decide(policy, user("Admin")), 403);
}

TEST(AuthorizationFilterTest, KeysNeedAnAdmittedScope) {
    const auto ingest = AccessPolicy::users(Role::Operator, kIngestionKeys, "telemetry.ingest");
    EXPECT_EQ(AuthorizationFilter::decide(ingest, key(Scope::Ingestion)), 0);
    // A full key is not admitted where only ingestion keys are, whatever its role.
    EXPECT_EQ(AuthorizationFilter::decide(ingest, key(Scope::Full)), 403);
    EXPECT_EQ(AuthorizationFilter::decide(ingest, key(Scope::ReadOnly)), 403);

    const auto users_only = AccessPolicy::users(Role::Viewer, kNoKeys, "user.list");
    for (Scope scope : {Scope::Ingestion, Scope::ReadOnly, Scope::Full}) {
        EXPECT_EQ(AuthorizationFilter::decide(users_only, key(scope)), 403)
            << auth::scopeName(scope);
    }
    // A key principal without a scope is admitted nowhere.
    EXPECT_EQ(AuthorizationFilter::decide(AccessPolicy::users(Role::Viewer, kAllKeys, "x"),
                                          key(Scope::None)),
              403);
}

TEST(AuthorizationFilterTest, AnAdmittedKeyStillNeedsTheRoleItsScopeGives) {
    // A read-only key admitted on an operator route acts as a viewer: refused.
    const auto operator_route = AccessPolicy::users(Role::Operator, kAllKeys, "x");
    EXPECT_EQ(AuthorizationFilter::decide(operator_route, key(Scope::ReadOnly)), 403);
    EXPECT_EQ(AuthorizationFilter::decide(operator_route, key(Scope::Ingestion)), 0);
    EXPECT_EQ(AuthorizationFilter::decide(operator_route, key(Scope::Full)), 0);
    EXPECT_EQ(AuthorizationFilter::decide(AccessPolicy::users(Role::Admin, kAllKeys, "x"),
                                          key(Scope::Full)),
              0);
}

TEST(AuthorizationFilterTest, AKeyNeverActsAboveAdminWhateverRoleItClaims) {
    const auto super_route = AccessPolicy::users(Role::SuperAdmin, kAllKeys, "tenant.create");
    EXPECT_EQ(AuthorizationFilter::decide(super_route, key(Scope::Full)), 403);

    // Even a principal whose role field says super_admin is capped by its scope.
    auto forged = key(Scope::Full);
    forged->role = "super_admin";
    EXPECT_EQ(AuthorizationFilter::decide(super_route, forged), 403);
    forged->role = "system";
    EXPECT_EQ(AuthorizationFilter::decide(super_route, forged), 403);
    auto readonly = key(Scope::ReadOnly);
    readonly->role = "admin";
    EXPECT_EQ(
        AuthorizationFilter::decide(AccessPolicy::users(Role::Operator, kAllKeys, "x"), readonly),
        403);
}

TEST(AuthorizationFilterTest, OnRequestThrowsTheMatchingApiError) {
    const auto admin_route = AccessPolicy::users(Role::Admin, kFullKeys, "apikey.create");
    EXPECT_EQ(filterOutcome(admin_route, user("admin")), std::make_pair(0, std::string()));
    EXPECT_EQ(filterOutcome(admin_route, kNobody),
              std::make_pair(401, std::string("unauthorized")));
    EXPECT_EQ(filterOutcome(admin_route, user("viewer")),
              std::make_pair(403, std::string("forbidden")));
    EXPECT_EQ(filterOutcome(AccessPolicy{}, user("super_admin")),
              std::make_pair(403, std::string("forbidden")));
    EXPECT_EQ(filterOutcome(AccessPolicy{}, kNobody),
              std::make_pair(401, std::string("unauthorized")));
    EXPECT_EQ(filterOutcome(AccessPolicy::open("health"), kNobody),
              std::make_pair(0, std::string()));
    EXPECT_EQ(AuthorizationFilter().name(), "authorization");
}

}  // namespace
}  // namespace infrasage::http
