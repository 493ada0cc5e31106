// Tenant isolation over the whole API: tenant A's every credential (each user role's JWT, each key
// scope) calls every route with tenant B's ids in the path and B named in query and body. Nothing
// may reach B's data or change it: answers are 401/403/404 where B's ids are used, and no answer
// body carries any of B's identifiers, emails, services or metric names. The one designed
// exception is A's super_admin on tenant management, which spans tenants.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

#include "SecurityServer.h"
#include "api/Routes.h"
#include "storage/AnomalyTable.h"
#include "storage/SqlLiteral.h"

namespace infrasage::testing::security {
namespace {

const std::string kPassword = "isolation password 1234";

struct Tenant {
    std::string id;
    std::map<std::string, std::string> emails;    // role -> email
    std::map<std::string, std::string> user_ids;  // role -> user id
    std::map<std::string, std::string> tokens;    // role -> access token
    std::map<std::string, CreatedKey> keys;       // scope -> key
    std::string service;
    std::string metric;
    std::string anomaly_id;

    // Every string that identifies this tenant's data.
    std::vector<std::string> secrets() const {
        std::vector<std::string> out{id, service, metric, anomaly_id};
        for (const auto& [role, v] : emails) out.push_back(v);
        for (const auto& [role, v] : user_ids) out.push_back(v);
        for (const auto& [scope, k] : keys) out.push_back(k.id);
        return out;
    }
};

class TenantIsolationTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        server_ = new SecurityServer("isolation");
        server_->start();
        a_ = makeTenant("iso-alpha", "alpha", true);
        b_ = makeTenant("iso-bravo", "bravo", false);
        // Each tenant's telemetry and some audited activity of B.
        for (auto* t : {&a_, &b_}) {
            const auto batch = nlohmann::json::array(
                {{{"service_id", t->service}, {"metric_name", t->metric}, {"value", 1.5}},
                 {{"service_id", t->service}, {"type", "log"}, {"body", "log of " + t->service}}});
            auto r = server_->post("/api/v1/telemetry/batch", batch.dump(),
                                   apiKeyHeader(t->keys.at("ingestion").secret));
            ASSERT_EQ(r.status, 200) << r.body;
            for (const auto& [role, token] : t->tokens) {
                server_->get("/api/v1/apikeys", bearer(token));  // 200 or 403: audited either way
            }
        }
        // Each tenant's anomaly on its service and metric, as the Watchdog writes it.
        ASSERT_EQ(server_->waitForQuery("SELECT count() FROM system.tables WHERE database = "
                                        "currentDatabase() AND name = 'infrasage_anomalies'",
                                        "1"),
                  "1");
        for (auto* t : {&a_, &b_}) {
            server_->query(storage::SqlBuilder("INSERT INTO ")
                               .identifier(storage::kAnomaliesTable)
                               .sql(" (")
                               .sql(storage::kAnomalyColumnList)
                               .sql(") VALUES (")
                               .string(t->id)
                               .sql(", ")
                               .string(t->anomaly_id)
                               .sql(", ")
                               .string(t->service)
                               .sql(", ")
                               .string(t->metric)
                               .sql(", now(), 9, 1, 0, 2, 8, 0.9, 'high', 'robust_z', 0, 'open', "
                                    "toDateTime(0), '', 1)")
                               .str());
        }
        ASSERT_EQ(
            server_->waitForQuery(
                "SELECT count() > 0 FROM infrasage_metrics WHERE tenant_id = 'iso-bravo'", "1"),
            "1");
        ASSERT_EQ(
            server_->waitForQuery(
                "SELECT count() > 0 FROM infrasage_audit_log WHERE tenant_id = 'iso-bravo'", "1"),
            "1");
    }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }

    static Tenant makeTenant(const std::string& id, const std::string& word, bool super_admin) {
        Tenant t;
        t.id = id;
        t.service = word + "-svc-" + randomToken(8);
        t.metric = word + "_metric_" + randomToken(8);
        t.anomaly_id = "anom-" + word + randomToken(8);
        server_->createTenant(id);
        t.emails["admin"] = "admin@" + word + "-iso.example.com";
        server_->admin(
            "bootstrap --tenant " + id + " --email " + t.emails["admin"] + " --password-file -",
            kPassword);
        if (super_admin) {
            t.emails["super_admin"] = "root@" + word + "-iso.example.com";
            server_->createUser(id, t.emails["super_admin"], "super_admin", kPassword);
        }
        const auto admin_token = server_->accessToken(t.emails["admin"], kPassword);
        for (const std::string role : {"viewer", "operator"}) {
            t.emails[role] = role + "@" + word + "-iso.example.com";
            auto r = server_->post(
                "/api/v1/users",
                nlohmann::json{{"email", t.emails[role]}, {"password", kPassword}, {"role", role}}
                    .dump(),
                bearer(admin_token));
            EXPECT_EQ(r.status, 201) << r.body;
        }
        auto users = server_->get("/api/v1/users", bearer(admin_token)).json();
        for (const auto& u : users["users"]) {
            t.user_ids[u["role"].get<std::string>()] = u["user_id"];
        }
        for (const auto& [role, email] : t.emails) {
            t.tokens[role] = server_->accessToken(email, kPassword);
        }
        for (const std::string scope : {"ingestion", "readonly", "full"}) {
            auto r = server_->post("/api/v1/apikeys",
                                   nlohmann::json{{"name", scope}, {"scope", scope}}.dump(),
                                   bearer(admin_token));
            EXPECT_EQ(r.status, 201) << r.body;
            t.keys[scope] = CreatedKey{r.json()["key_id"], r.json()["secret"]};
        }
        return t;
    }

    struct Credential {
        std::string name;
        Headers headers;
        bool super_admin = false;
    };

    static std::vector<Credential> credentialsOf(const Tenant& t) {
        std::vector<Credential> out;
        for (const auto& [role, token] : t.tokens) {
            out.push_back({role + " JWT", bearer(token), role == "super_admin"});
        }
        for (const auto& [scope, key] : t.keys) {
            out.push_back({scope + " key", apiKeyHeader(key.secret), false});
        }
        return out;
    }

    static inline SecurityServer* server_ = nullptr;
    static inline Tenant a_;
    static inline Tenant b_;
};

// A POST/PATCH body that names tenant B where a field could carry it.
std::string bodyFor(const http::Route& route, const std::string& other, bool super_admin) {
    const auto& p = route.path;
    if (p == "/api/v1/telemetry") {
        return nlohmann::json{{"service_id", "alpha-probe"},
                              {"metric_name", "probe"},
                              {"value", 1},
                              {"tenant_id", other}}
            .dump();
    }
    if (p == "/api/v1/telemetry/batch") {
        return nlohmann::json::array({{{"service_id", "alpha-probe"},
                                       {"metric_name", "probe"},
                                       {"value", 1},
                                       {"tenant_id", other}}})
            .dump();
    }
    if (p == "/api/v1/apikeys") {
        return nlohmann::json{{"name", "probe"}, {"scope", "full"}, {"tenant_id", other}}.dump();
    }
    if (p == "/api/v1/users") {
        return nlohmann::json{
            {"email", "probe@alpha-iso.example.com"}, {"password", kPassword}, {"tenant_id", other}}
            .dump();
    }
    if (p == "/api/v1/users/{user_id}") {
        return R"({"active":false,"role":"viewer","password":"taken over by alpha"})";
    }
    if (p == "/api/v1/tenants") {
        return nlohmann::json{{"tenant_id", other}}.dump();
    }
    if (p == "/api/v1/tenants/{tenant_id}") {
        // The super_admin may change any tenant by design; it sends nothing to change.
        return super_admin ? "{}" : R"({"plan":"alpha-was-here","active":false})";
    }
    return "{}";  // login, refresh (no ids: answered 400), logout, rotate
}

TEST_F(TenantIsolationTest, NoCredentialOfOneTenantReachesAnotherTenantsData) {
    const auto routes = api::buildRoutes(nullptr);
    const auto b_strings = b_.secrets();
    std::size_t calls = 0;
    for (const auto& credential : credentialsOf(a_)) {
        for (const auto& route : routes) {
            // Paths: each of B's ids for the route's parameter (or the plain path).
            std::vector<std::string> paths;
            auto with = [&route](const std::string& param, const std::string& value) {
                std::string path = route.path;
                path.replace(path.find(param), param.size(), value);
                return path;
            };
            if (route.path.find("{key_id}") != std::string::npos) {
                for (const auto& [scope, key] : b_.keys) paths.push_back(with("{key_id}", key.id));
            } else if (route.path.find("{user_id}") != std::string::npos) {
                for (const auto& [role, id] : b_.user_ids) paths.push_back(with("{user_id}", id));
            } else if (route.path.find("{tenant_id}") != std::string::npos) {
                paths.push_back(with("{tenant_id}", b_.id));
            } else if (route.path.find("{anomaly_id}") != std::string::npos) {
                paths.push_back(with("{anomaly_id}", b_.anomaly_id));
            } else if (route.path == "/api/v1/metrics/series") {
                // B's series by name: A's scope must find nothing under it.
                paths.push_back(route.path + "?service_id=" + b_.service +
                                "&metric_name=" + b_.metric);
            } else {
                paths.push_back(route.path);
            }
            const bool takes_b_id = route.path.find('{') != std::string::npos;
            const bool tenant_route = route.path.rfind("/api/v1/tenants", 0) == 0;
            const bool audit_route = route.path.rfind("/api/v1/audit", 0) == 0;
            // By design a super_admin manages every tenant. Its cross-tenant audit reads are
            // checked (and refused) by SuperAdminOfOneTenantCannotReadAnotherTenantsAuditLog.
            const bool exempt = credential.super_admin && (tenant_route || audit_route);
            for (const auto& base : paths) {
                std::vector<std::string> targets{base};
                if (route.method == "GET") {
                    const std::string q = base.find('?') == std::string::npos ? "?" : "&";
                    targets.push_back(base + q + "tenant_id=" + b_.id);
                    targets.push_back(base + q + "all_tenants=true");
                    targets.push_back(base + q + "tenant_id=" + b_.id + "&all_tenants=true");
                }
                for (const auto& target : targets) {
                    const auto r = server_->call(
                        route.method, target, credential.headers,
                        route.method == "GET" ? "" : bodyFor(route, b_.id, credential.super_admin));
                    ++calls;
                    SCOPED_TRACE(credential.name + " " + route.method + " " + target + " -> " +
                                 std::to_string(r.status) + " " + r.body.substr(0, 300));
                    ASSERT_GT(r.status, 0);
                    EXPECT_LT(r.status, 500);
                    if (exempt) continue;
                    if (takes_b_id) {
                        EXPECT_TRUE(r.status == 401 || r.status == 403 || r.status == 404);
                    }
                    if (route.path == "/api/v1/metrics/series" && r.status == 200) {
                        // Values carry no names: B's points must not be there at all.
                        EXPECT_TRUE(r.json()["points"].empty());
                    }
                    std::string body = r.body;
                    if (audit_route && r.status == 200) {
                        // A's own audit entries name the ids A probed (resource): not B's data.
                        auto j = r.json();
                        if (j.contains("tenant_id")) {  // verify: names the tenant it checked
                            EXPECT_EQ(j["tenant_id"], a_.id);
                        }
                        if (j.contains("entries") && j["entries"].is_array()) {
                            for (auto& e : j["entries"]) {
                                EXPECT_EQ(e["tenant_id"], a_.id);
                                e.erase("resource");
                            }
                        }
                        body = j.dump();
                    }
                    for (const auto& s : b_strings) {
                        const auto at = body.find(s);
                        EXPECT_EQ(at, std::string::npos)
                            << "leaks " << s << " in …" << body.substr(at < 300 ? 0 : at - 300, 600)
                            << "…";
                    }
                }
            }
        }
    }
    EXPECT_GT(calls, 500u);

    // Nothing of B changed: its keys and users' tokens work, its tenant record is as it was,
    // it has exactly its own keys, and no telemetry was written under its id.
    for (const auto& [scope, key] : b_.keys) {
        auto me = server_->get("/api/v1/auth/me", apiKeyHeader(key.secret));
        EXPECT_EQ(me.status, 200) << scope << " key of B: " << me.body;
    }
    for (const auto& [role, token] : b_.tokens) {
        auto me = server_->get("/api/v1/auth/me", bearer(token));
        EXPECT_EQ(me.status, 200) << role << " of B: " << me.body;
        EXPECT_EQ(me.json().value("role", ""), role);
    }
    const auto b_admin = bearer(b_.tokens.at("admin"));
    EXPECT_EQ(server_->get("/api/v1/apikeys", b_admin).json()["api_keys"].size(), 3u);
    EXPECT_EQ(server_->get("/api/v1/users", b_admin).json()["users"].size(), b_.user_ids.size());
    const auto tenants = server_->admin("tenant list");
    EXPECT_EQ(tenants.find("alpha-was-here"), std::string::npos) << tenants;
    EXPECT_NE(tenants.find(b_.id + "\t" + b_.id + "\tfree\tactive"), std::string::npos) << tenants;
    // Delivery is in order: once A's marker is in ClickHouse, every earlier probe would be too.
    const std::string marker = "alpha-marker-" + randomToken(6);
    ASSERT_EQ(
        server_
            ->post(
                "/api/v1/telemetry",
                nlohmann::json{{"service_id", marker}, {"metric_name", "m"}, {"value", 1}}.dump(),
                apiKeyHeader(a_.keys.at("ingestion").secret))
            .status,
        200);
    ASSERT_EQ(server_->waitForQuery("SELECT count() FROM infrasage_metrics WHERE service_id = '" +
                                        marker + "' AND tenant_id = 'iso-alpha'",
                                    "1"),
              "1");
    EXPECT_EQ(server_->query("SELECT count() FROM infrasage_metrics WHERE tenant_id = 'iso-bravo' "
                             "AND service_id = 'alpha-probe'"),
              "0\n");
    // B's anomaly kept its one version: no acknowledge or resolve of A's reached it.
    EXPECT_EQ(server_->query("SELECT count(), max(version) FROM infrasage_anomalies WHERE "
                             "tenant_id = 'iso-bravo' FORMAT TabSeparated"),
              "1\t1\n");
}

TEST_F(TenantIsolationTest, AnAdminsAuditLogHoldsOnlyItsOwnTenant) {
    const auto r = server_->get("/api/v1/audit?limit=1000", bearer(a_.tokens.at("admin")));
    ASSERT_EQ(r.status, 200) << r.body;
    const auto entries = r.json()["entries"];
    ASSERT_FALSE(entries.empty());
    std::set<std::string> b_actors{b_.keys.at("full").id, b_.emails.at("admin")};
    for (const auto& [role, email] : b_.emails) b_actors.insert(email);
    for (const auto& [scope, key] : b_.keys) b_actors.insert(key.id);
    for (const auto& e : entries) {
        EXPECT_EQ(e["tenant_id"], a_.id) << e.dump();
        EXPECT_EQ(b_actors.count(e["actor"]), 0u) << e.dump();
    }
    for (const auto& credential : credentialsOf(a_)) {
        if (credential.super_admin) continue;
        for (const std::string& query :
             std::vector<std::string>{"?tenant_id=" + b_.id, "?all_tenants=true"}) {
            const auto other = server_->get("/api/v1/audit" + query, credential.headers);
            EXPECT_TRUE(other.status == 403 || other.status == 404)
                << credential.name << " " << query << ": " << other.status;
            const auto verify = server_->get("/api/v1/audit/verify" + query, credential.headers);
            EXPECT_EQ(verify.body.find(b_.id), std::string::npos)
                << credential.name << " " << query << ": " << verify.body;
        }
    }
}

TEST_F(TenantIsolationTest, ASuperAdminManagesEveryTenantByDesign) {
    const auto root = bearer(a_.tokens.at("super_admin"));
    const auto one = server_->get("/api/v1/tenants/" + b_.id, root);
    ASSERT_EQ(one.status, 200) << one.body;
    EXPECT_EQ(one.json()["tenant_id"], b_.id);
    const auto all = server_->get("/api/v1/tenants", root);
    ASSERT_EQ(all.status, 200);
    EXPECT_NE(all.body.find(b_.id), std::string::npos);
    // ... but not the other tenant's users or keys: those routes stay within its own tenant.
    EXPECT_EQ(server_->get("/api/v1/users/" + b_.user_ids.at("admin"), root).status, 404);
    EXPECT_EQ(server_->get("/api/v1/apikeys/" + b_.keys.at("full").id, root).status, 404);
    EXPECT_EQ(server_->get("/api/v1/users", root).body.find(b_.emails.at("admin")),
              std::string::npos);
}

// Issue 3: "GET /api/v1/audit with filters (...; admin; own tenant only; super_admin across
// tenants)". A super_admin reads another tenant's audit trail only by asking for it explicitly;
// an admin of A never can, however it asks.
TEST_F(TenantIsolationTest, OnlyASuperAdminReadsAnotherTenantsAuditLogAndOnlyWhenAsked) {
    auto tenantsIn = [](const Reply& r) {
        std::set<std::string> tenants;
        for (const auto& e : r.json().value("entries", nlohmann::json::array())) {
            tenants.insert(e.value("tenant_id", ""));
        }
        return tenants;
    };
    const auto root = bearer(a_.tokens.at("super_admin"));
    const auto own = server_->get("/api/v1/audit?limit=1000", root);
    ASSERT_EQ(own.status, 200);
    EXPECT_EQ(tenantsIn(own).count(b_.id), 0u) << "B's entries without asking for them";
    for (const std::string& query :
         std::vector<std::string>{"?tenant_id=" + b_.id, "?all_tenants=true"}) {
        const auto r = server_->get("/api/v1/audit" + query + "&limit=1000", root);
        ASSERT_EQ(r.status, 200) << query;
        EXPECT_EQ(tenantsIn(r).count(b_.id), 1u) << query << ": B's entries were not returned";
    }
    const auto admin = bearer(a_.tokens.at("admin"));
    for (const std::string& query :
         std::vector<std::string>{"?tenant_id=" + b_.id, "?all_tenants=true"}) {
        const auto r = server_->get("/api/v1/audit" + query + "&limit=1000", admin);
        EXPECT_TRUE(r.status == 403 || r.status == 404) << query << ": " << r.status;
        EXPECT_EQ(r.body.find(b_.id), std::string::npos) << query;
    }
}

}  // namespace
}  // namespace infrasage::testing::security
