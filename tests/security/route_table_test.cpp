// The route table walked against every kind of caller. The expected matrix below is written by
// hand from PRODUCT.md §2, not derived from Routes.cpp, so a route whose access is loosened (or a
// new route without a decision here) fails the test:
//   - roles form a ladder: viewer (read) < operator (+ act, ingest) < admin (+ users, API keys,
//     audit log) < super_admin (+ tenants);
//   - ingestion keys reach ingestion endpoints only (sending telemetry and its type catalogue);
//   - readonly keys reach GET endpoints only, and no more than a viewer may read;
//   - full keys reach everything up to admin in their tenant, never tenant management;
//   - probes, login and refresh need no credentials; logout is for users (keys have no session);
//   - /auth/me tells any authenticated caller who it is (introspection of its own identity).
// Part (a) checks the pure decision function; part (b) sends real requests with real credentials.
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <set>

#include "SecurityServer.h"
#include "api/Routes.h"
#include "http/AuthorizationFilter.h"
#include "storage/AnomalyTable.h"
#include "storage/SqlLiteral.h"

namespace infrasage::testing::security {
namespace {

enum Caller : std::size_t {
    kAnonymous,
    kViewer,
    kOperator,
    kAdmin,
    kSuperAdmin,
    kIngestionKey,
    kReadOnlyKey,
    kFullKey,
    kCallerCount
};

constexpr std::array<const char*, kCallerCount> kCallerNames = {
    "anonymous",   "viewer",        "operator",     "admin",
    "super_admin", "ingestion key", "readonly key", "full key"};

// One row per route: '.' allowed, 'U' 401, 'F' 403, for the callers in the order above:
//                  anon viewer operator admin super_admin ingestion readonly full
const std::map<std::string, std::string> kExpected = {
    {"GET /healthz", "........"},
    {"GET /readyz", "........"},
    {"GET /metrics", "........"},
    {"POST /api/v1/auth/login", "........"},
    {"POST /api/v1/auth/refresh", "........"},
    {"POST /api/v1/auth/logout", "U....FFF"},
    {"GET /api/v1/auth/me", "U......."},
    {"GET /api/v1/status", "U....F.."},
    {"GET /api/v1/telemetry-types", "U......."},
    {"POST /api/v1/telemetry", "UF....F."},
    {"POST /api/v1/telemetry/batch", "UF....F."},
    {"POST /api/v1/prometheus/write", "UF....F."},
    {"POST /v1/metrics", "UF....F."},
    {"POST /v1/traces", "UF....F."},
    {"POST /v1/logs", "UF....F."},
    {"POST /api/v1/apikeys", "UFF..FF."},
    {"GET /api/v1/apikeys", "UFF..FF."},
    {"GET /api/v1/apikeys/{key_id}", "UFF..FF."},
    {"DELETE /api/v1/apikeys/{key_id}", "UFF..FF."},
    {"POST /api/v1/apikeys/{key_id}/rotate", "UFF..FF."},
    {"POST /api/v1/users", "UFF..FF."},
    {"GET /api/v1/users", "UFF..FF."},
    {"GET /api/v1/users/{user_id}", "UFF..FF."},
    {"PATCH /api/v1/users/{user_id}", "UFF..FF."},
    {"POST /api/v1/tenants", "UFFF.FFF"},
    {"GET /api/v1/tenants", "UFFF.FFF"},
    {"GET /api/v1/tenants/{tenant_id}", "UFFF.FFF"},
    {"PATCH /api/v1/tenants/{tenant_id}", "UFFF.FFF"},
    {"GET /api/v1/anomalies", "U....F.."},
    {"GET /api/v1/anomalies/{anomaly_id}", "U....F.."},
    {"POST /api/v1/anomalies/{anomaly_id}/acknowledge", "UF...FF."},
    {"POST /api/v1/anomalies/{anomaly_id}/resolve", "UF...FF."},
    {"GET /api/v1/services", "U....F.."},
    {"GET /api/v1/services/graph", "U....F.."},
    {"GET /api/v1/metrics/series", "U....F.."},
    {"GET /api/v1/audit", "UFF..FF."},
    {"GET /api/v1/audit/verify", "UFF..FF."},
};

int expectedStatus(char code) {
    return code == 'U' ? 401 : code == 'F' ? 403 : 0;
}

std::string routeName(const http::Route& route) {
    return route.method + " " + route.path;
}

// The principal the authenticator builds for each kind of caller (see CredentialAuthenticator).
std::optional<auth::Principal> principalFor(Caller caller) {
    if (caller == kAnonymous) {
        return std::nullopt;
    }
    auth::Principal p;
    p.tenant_id = "rt";
    if (caller <= kSuperAdmin) {
        static constexpr std::array<const char*, 5> kRoles = {"", "viewer", "operator", "admin",
                                                              "super_admin"};
        p.actor = "someone@example.com";
        p.actor_type = auth::ActorType::User;
        p.role = kRoles[caller];
        p.user_id = "usr_x";
        return p;
    }
    p.actor = "isage_key_x";
    p.actor_type = auth::ActorType::ApiKey;
    p.scope = caller == kIngestionKey  ? auth::Scope::Ingestion
              : caller == kReadOnlyKey ? auth::Scope::ReadOnly
                                       : auth::Scope::Full;
    p.role = std::string(auth::roleName(auth::roleForScope(p.scope)));
    return p;
}

TEST(RouteTablePolicy, EveryRouteHasADeclaredPolicyAndAnAuditAction) {
    const auto routes = api::buildRoutes(nullptr);
    ASSERT_FALSE(routes.empty());
    std::set<std::string> seen;
    for (const auto& route : routes) {
        SCOPED_TRACE(routeName(route));
        EXPECT_NE(route.policy.kind, http::AccessPolicy::Kind::Undeclared);
        EXPECT_FALSE(route.policy.action.empty());
        EXPECT_TRUE(seen.insert(routeName(route)).second) << "declared twice";
        if (route.policy.kind == http::AccessPolicy::Kind::Authenticated) {
            EXPECT_NE(route.policy.min_role, auth::Role::System) << "no route is for system only";
        }
    }
}

TEST(RouteTablePolicy, EveryRouteHasAnIndependentExpectationAndNoneIsStale) {
    std::set<std::string> table;
    for (const auto& route : api::buildRoutes(nullptr)) {
        table.insert(routeName(route));
        EXPECT_TRUE(kExpected.count(routeName(route)))
            << routeName(route) << " is new: add its expected access to kExpected";
    }
    for (const auto& [name, row] : kExpected) {
        EXPECT_TRUE(table.count(name)) << name << " is expected but not in the route table";
        EXPECT_EQ(row.size(), static_cast<std::size_t>(kCallerCount)) << name;
    }
}

TEST(RouteTablePolicy, DecisionsMatchTheMatrixForEveryCaller) {
    for (const auto& route : api::buildRoutes(nullptr)) {
        auto it = kExpected.find(routeName(route));
        ASSERT_NE(it, kExpected.end()) << routeName(route);
        for (std::size_t c = 0; c < kCallerCount; ++c) {
            EXPECT_EQ(http::AuthorizationFilter::decide(route.policy,
                                                        principalFor(static_cast<Caller>(c))),
                      expectedStatus(it->second[c]))
                << routeName(route) << " for " << kCallerNames[c];
        }
    }
}

TEST(RouteTablePolicy, AKeyIsJudgedByItsScopeWhateverRoleItsPrincipalClaims) {
    for (const auto& route : api::buildRoutes(nullptr)) {
        const auto& row = kExpected.at(routeName(route));
        for (Caller c : {kIngestionKey, kReadOnlyKey, kFullKey}) {
            auto p = principalFor(c);
            p->role = "super_admin";  // a bug elsewhere must not lift a key above its scope
            EXPECT_EQ(http::AuthorizationFilter::decide(route.policy, p), expectedStatus(row[c]))
                << routeName(route) << " for " << kCallerNames[c] << " claiming super_admin";
        }
        auth::Principal unknown_role = *principalFor(kAdmin);
        unknown_role.role = "root";
        EXPECT_EQ(http::AuthorizationFilter::decide(route.policy, unknown_role),
                  route.policy.kind == http::AccessPolicy::Kind::Public ? 0 : 403)
            << routeName(route) << " for a user with an unknown role";
    }
}

TEST(RouteTablePolicy, AnUndeclaredPolicyIsRefusedToEveryone) {
    http::AccessPolicy undeclared;
    EXPECT_EQ(http::AuthorizationFilter::decide(undeclared, std::nullopt), 401);
    for (std::size_t c = 1; c < kCallerCount; ++c) {
        EXPECT_EQ(
            http::AuthorizationFilter::decide(undeclared, principalFor(static_cast<Caller>(c))),
            403)
            << kCallerNames[c];
    }
}

// (b) The same matrix over HTTP: real users (JWTs from login) and real keys of one tenant, path
// parameters set to real ids of that tenant.
TEST(RouteTableOverHttp, EveryRouteAnswersEveryCallerAsTheMatrixSays) {
    SecurityServer server("routes");
    server.start();
    const std::string tenant = "rt-main";
    server.createTenant(tenant);
    const std::string password = "route walk password 123";
    std::array<Headers, kCallerCount> credentials;
    const std::array<const char*, 5> roles = {"", "viewer", "operator", "admin", "super_admin"};
    for (std::size_t c = kViewer; c <= kSuperAdmin; ++c) {
        const std::string email = std::string(roles[c]) + "@routes.example.com";
        server.createUser(tenant, email, roles[c], password);
        credentials[c] = bearer(server.accessToken(email, password));
    }
    credentials[kIngestionKey] = apiKeyHeader(server.createKey(tenant, "ingestion").secret);
    credentials[kReadOnlyKey] = apiKeyHeader(server.createKey(tenant, "readonly").secret);
    credentials[kFullKey] = apiKeyHeader(server.createKey(tenant, "full").secret);
    // Targets of the {param} routes: acted on, never used as credentials.
    const auto target_key = server.createKey(tenant, "readonly");
    const auto target_user =
        server.createUser(tenant, "target@routes.example.com", "viewer", password);
    // An anomaly of the tenant as the Watchdog writes it, once migrations have made its table.
    // Acknowledge and resolve answer 200 the first time and 409 after: both are "allowed".
    ASSERT_EQ(server.waitForQuery("SELECT count() FROM system.tables WHERE database = "
                                  "currentDatabase() AND name = 'infrasage_anomalies'",
                                  "1"),
              "1");
    const std::string target_anomaly = "anom-00000000000000aa";
    server.query(storage::SqlBuilder("INSERT INTO ")
                     .identifier(storage::kAnomaliesTable)
                     .sql(" (")
                     .sql(storage::kAnomalyColumnList)
                     .sql(") VALUES (")
                     .string(tenant)
                     .sql(", ")
                     .string(target_anomaly)
                     .sql(", 'svc', 'm', toDateTime(1712750400), 9, 1, 0, 2, 8, 0.9, 'high', "
                          "'robust_z', 0, 'open', toDateTime(0), '', 1)")
                     .str());

    for (const auto& route : api::buildRoutes(nullptr)) {
        std::string path = route.path;
        auto substitute = [&path](const std::string& param, const std::string& value) {
            if (auto at = path.find(param); at != std::string::npos) {
                path.replace(at, param.size(), value);
            }
        };
        substitute("{key_id}", target_key.id);
        substitute("{user_id}", target_user);
        substitute("{tenant_id}", tenant);
        substitute("{anomaly_id}", target_anomaly);
        ASSERT_EQ(path.find('{'), std::string::npos) << "unknown parameter in " << route.path;
        const auto& row = kExpected.at(routeName(route));
        for (std::size_t c = 0; c < kCallerCount; ++c) {
            const auto caller = static_cast<Caller>(c);
            if (route.method != "GET" && route.path.find("{key_id}") != std::string::npos) {
                // Revoke and rotate use up their target: each call gets a fresh key.
                auto fresh =
                    server.post("/api/v1/apikeys", R"({"name":"target","scope":"readonly"})",
                                credentials[kFullKey]);
                ASSERT_EQ(fresh.status, 201) << fresh.body;
                path = route.path;
                substitute("{key_id}", fresh.json()["key_id"].get<std::string>());
            }
            const auto r =
                server.call(route.method, path, credentials[c], route.method == "GET" ? "" : "{}");
            const int decided =
                http::AuthorizationFilter::decide(route.policy, principalFor(caller));
            SCOPED_TRACE(route.method + " " + path + " as " + kCallerNames[c] + " -> " +
                         std::to_string(r.status) + " " + r.body.substr(0, 200));
            EXPECT_EQ(decided, expectedStatus(row[c]));
            if (caller == kAnonymous && route.policy.kind != http::AccessPolicy::Kind::Public) {
                EXPECT_EQ(r.status, 401);
            } else if (decided != 0) {
                EXPECT_EQ(r.status, decided);
            } else {
                EXPECT_NE(r.status, 401);
                EXPECT_NE(r.status, 403);
                EXPECT_NE(r.status, 404) << "the route exists";
                EXPECT_GT(r.status, 0);
                EXPECT_LT(r.status, 500);
            }
        }
    }
}

}  // namespace
}  // namespace infrasage::testing::security
