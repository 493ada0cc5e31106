// The audit trail of the identity flows, read back from ClickHouse and through GET /api/v1/audit:
// every read and state change and every denial has an entry with actor, action, outcome, status,
// client address and the request id the caller was given; failed logins name the attempted email;
// ingestion is summarised per key and minute; admin CLI actions arrive as `cli:<user>`; the list
// filters and pages; verify is ok until a row is altered in ClickHouse.
#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <set>
#include <sstream>

#include "SecurityServer.h"

namespace infrasage::testing::security {
namespace {

const std::string kTenant = "audit-main";
const std::string kAdmin = "admin@audit.example.com";
const std::string kViewer = "viewer@audit.example.com";
const std::string kPassword = "audit test password 1";
const std::string kAgent = "security-audit-test/1.0";

struct Expected {
    std::string request_id;
    std::string actor;
    std::string action;
    std::string outcome;
    int status = 0;
    std::string tenant;
};

class AuditTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        server_ = new SecurityServer("audit");
        server_->start();
        server_->admin(
            "bootstrap --tenant " + kTenant + " --email " + kAdmin + " --password-file -",
            kPassword);
        server_->createUser(kTenant, kViewer, "viewer", kPassword);
    }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }

    static Headers with(Headers h) {
        h.emplace("User-Agent", kAgent);
        return h;
    }

    // The rows of `request_ids` as ClickHouse holds them, once all are there.
    static std::map<std::string, nlohmann::json> rowsOf(
        const std::vector<std::string>& request_ids) {
        std::string in;
        for (const auto& id : request_ids) {
            in += (in.empty() ? "'" : ", '") + id + "'";
        }
        const auto expected = std::to_string(request_ids.size());
        EXPECT_EQ(
            server_->waitForQuery(
                "SELECT uniqExact(request_id) FROM infrasage_audit_log WHERE request_id IN (" + in +
                    ")",
                expected),
            expected);
        std::map<std::string, nlohmann::json> rows;
        std::istringstream lines(server_->query(
            "SELECT request_id, tenant_id, actor, actor_type, action, resource, outcome, status, "
            "client_ip, user_agent, details FROM infrasage_audit_log WHERE request_id IN (" +
            in + ") FORMAT JSONEachRow"));
        for (std::string line; std::getline(lines, line);) {
            auto row = nlohmann::json::parse(line);
            EXPECT_EQ(rows.count(row["request_id"]), 0u) << "one entry per request: " << line;
            rows[row["request_id"]] = row;
        }
        return rows;
    }

    static nlohmann::json auditList(const std::string& query, const Headers& who) {
        auto r = server_->get("/api/v1/audit" + query, who);
        EXPECT_EQ(r.status, 200) << query << ": " << r.body;
        return r.json();
    }

    static inline SecurityServer* server_ = nullptr;
};

int toInt(const nlohmann::json& v) {
    return v.is_string() ? std::stoi(v.get<std::string>()) : v.get<int>();
}

TEST_F(AuditTest, EveryReadChangeAndDenialIsAuditedWithTheRequestIdTheCallerGot) {
    std::vector<Expected> expected;
    auto record = [&](const Reply& r, const std::string& actor, const std::string& action,
                      const std::string& outcome, int status, const std::string& tenant) {
        EXPECT_EQ(r.status, status) << action << ": " << r.body;
        EXPECT_FALSE(r.header("X-Request-Id").empty());
        expected.push_back({r.header("X-Request-Id"), actor, action, outcome, status, tenant});
    };
    auto login_body = [](const std::string& email, const std::string& password) {
        return nlohmann::json{{"email", email}, {"password", password}}.dump();
    };

    auto login = server_->post("/api/v1/auth/login", login_body(kAdmin, kPassword), with({}));
    record(login, kAdmin, "auth.login", "allowed", 200, kTenant);
    const auto admin = with(bearer(login.json()["access_token"]));
    // A failed login against an existing account is filed under that account's tenant, so its
    // admins see brute force against their users; an unknown account has no tenant.
    record(server_->post("/api/v1/auth/login", login_body(kViewer, "wrong password!!"), with({})),
           kViewer, "auth.login", "denied", 401, kTenant);
    record(server_->post("/api/v1/auth/login",
                         login_body("ghost@audit.example.com", "wrong password!!"), with({})),
           "ghost@audit.example.com", "auth.login", "denied", 401, "");
    record(server_->post("/api/v1/auth/refresh",
                         nlohmann::json{{"refresh_token", login.json()["refresh_token"]}}.dump(),
                         with({})),
           kAdmin, "auth.refresh", "allowed", 200, kTenant);
    record(server_->get("/api/v1/auth/me", admin), kAdmin, "auth.me", "allowed", 200, kTenant);

    auto created = server_->post("/api/v1/apikeys", R"({"name":"audited","scope":"full"})", admin);
    record(created, kAdmin, "apikey.create", "allowed", 201, kTenant);
    const std::string key_id = created.json()["key_id"];
    const std::string secret = created.json()["secret"];
    record(server_->get("/api/v1/apikeys", admin), kAdmin, "apikey.list", "allowed", 200, kTenant);
    record(server_->get("/api/v1/apikeys/" + key_id, admin), kAdmin, "apikey.read", "allowed", 200,
           kTenant);
    record(server_->get("/api/v1/auth/me", with(apiKeyHeader(secret))), key_id, "auth.me",
           "allowed", 200, kTenant);
    auto rotated = server_->post("/api/v1/apikeys/" + key_id + "/rotate", "{}", admin);
    record(rotated, kAdmin, "apikey.rotate", "allowed", 201, kTenant);
    const std::string new_id = rotated.json()["key_id"];
    record(server_->call("DELETE", "/api/v1/apikeys/" + new_id, admin), kAdmin, "apikey.revoke",
           "allowed", 200, kTenant);
    record(server_->get("/api/v1/apikeys/isage_key_doesnotexist00", admin), kAdmin, "apikey.read",
           "failed", 404, kTenant);
    record(
        server_->post("/api/v1/users",
                      R"({"email":"new@audit.example.com","password":"new user password"})", admin),
        kAdmin, "user.create", "allowed", 201, kTenant);
    record(server_->get("/api/v1/users", admin), kAdmin, "user.list", "allowed", 200, kTenant);
    record(server_->get("/api/v1/audit", admin), kAdmin, "audit.read", "allowed", 200, kTenant);

    // Denials: anonymous (401), wrong role (403), rate limit (429).
    record(server_->get("/api/v1/apikeys", with({})), "anonymous", "apikey.list", "denied", 401,
           "");
    const auto viewer = with(bearer(server_->accessToken(kViewer, kPassword)));
    record(server_->get("/api/v1/apikeys", viewer), kViewer, "apikey.list", "denied", 403, kTenant);
    auto slow = server_->post("/api/v1/apikeys",
                              R"({"name":"slow","scope":"readonly","rate_limit_rps":1})", admin);
    ASSERT_EQ(slow.status, 201);
    const std::string slow_id = slow.json()["key_id"];
    Reply limited;
    for (int i = 0; i < 10 && limited.status != 429; ++i) {
        limited = server_->get("/api/v1/status", with(apiKeyHeader(slow.json()["secret"])));
    }
    record(limited, slow_id, "status.read", "denied", 429, kTenant);
    auto logout = server_->post(
        "/api/v1/auth/logout",
        nlohmann::json{{"refresh_token", login.json()["refresh_token"]}}.dump(), admin);
    record(logout, kAdmin, "auth.logout", "allowed", 200, kTenant);

    std::vector<std::string> ids;
    for (const auto& e : expected) ids.push_back(e.request_id);
    const auto rows = rowsOf(ids);
    for (const auto& e : expected) {
        SCOPED_TRACE(e.action + " " + std::to_string(e.status) + " " + e.request_id);
        ASSERT_EQ(rows.count(e.request_id), 1u);
        const auto& row = rows.at(e.request_id);
        if (!e.actor.empty()) {
            EXPECT_EQ(row["actor"], e.actor);
        }
        EXPECT_EQ(row["action"], e.action);
        EXPECT_EQ(row["outcome"], e.outcome);
        EXPECT_EQ(toInt(row["status"]), e.status);
        EXPECT_EQ(row["client_ip"], "127.0.0.1");
        EXPECT_EQ(row["tenant_id"], e.tenant);
        EXPECT_FALSE(row["actor_type"].get<std::string>().empty());
    }
    EXPECT_EQ(rows.at(expected[1].request_id)["actor_type"], "user");  // the attempted account
    EXPECT_EQ(rows.at(expected[5].request_id)["resource"], key_id) << "apikey.create names the key";
    // User agents are kept (requests sent with our agent string).
    EXPECT_EQ(rows.at(expected[0].request_id)["user_agent"], kAgent);

    // The tenant's admin sees its own entries through the API with the same request ids.
    const auto listed = auditList("?limit=1000", admin);
    std::set<std::string> listed_ids;
    for (const auto& entry : listed["entries"]) listed_ids.insert(entry["request_id"]);
    for (const auto& e : expected) {
        if (e.tenant == kTenant) {
            EXPECT_EQ(listed_ids.count(e.request_id), 1u) << e.action << " " << e.status;
        }
    }
}

// Incident response (seed: "Check the audit log for suspicious activity"): after revoking a
// compromised key, the tenant's admin must see attempts still made with it.
TEST_F(AuditTest, AttemptsWithARevokedKeyAreVisibleInItsTenantsAuditLog) {
    const auto admin = bearer(server_->accessToken(kAdmin, kPassword));
    auto created = server_->post("/api/v1/apikeys", R"({"name":"stolen","scope":"full"})", admin);
    ASSERT_EQ(created.status, 201);
    const std::string key_id = created.json()["key_id"];
    ASSERT_EQ(server_->call("DELETE", "/api/v1/apikeys/" + key_id, admin).status, 200);
    const auto attempt = server_->get("/api/v1/apikeys", apiKeyHeader(created.json()["secret"]));
    ASSERT_EQ(attempt.status, 401);
    const auto row = rowsOf({attempt.header("X-Request-Id")});
    ASSERT_EQ(row.size(), 1u);
    const auto& entry = row.begin()->second;
    EXPECT_EQ(entry["actor"], key_id);
    EXPECT_EQ(entry["outcome"], "denied");
    EXPECT_EQ(entry["tenant_id"], kTenant)
        << "the denial is filed under no tenant: " << entry.dump();
    const auto listed = auditList("?actor=" + key_id + "&outcome=denied", admin);
    EXPECT_EQ(listed["entries"].size(), 1u) << listed.dump();
}

TEST_F(AuditTest, AdminCliActionsArriveWithTheOperatingSystemUser) {
    const passwd* pw = ::getpwuid(::geteuid());
    const std::string actor = "cli:" + std::string(pw != nullptr ? pw->pw_name : "");
    const auto key = server_->createKey(kTenant, "readonly");
    server_->admin("apikey revoke --tenant " + kTenant + " --key-id " + key.id);
    std::string out;
    ASSERT_NE(
        server_->adminStatus(
            "apikey revoke --tenant " + kTenant + " --key-id isage_key_doesnotexist00", "", out),
        0);
    const auto where = " FROM infrasage_audit_log WHERE actor = '" + actor + "' AND tenant_id = '" +
                       kTenant + "' AND resource = '" + key.id + "'";
    EXPECT_EQ(server_->waitForQuery("SELECT count()" + where, "2"), "2");
    EXPECT_EQ(server_->query("SELECT action, outcome, actor_type" + where +
                             " ORDER BY action FORMAT TSV"),
              "apikey.create\tallowed\tcli\napikey.revoke\tallowed\tcli\n");
    EXPECT_EQ(server_->waitForQuery("SELECT outcome FROM infrasage_audit_log WHERE actor = '" +
                                        actor + "' AND resource = 'isage_key_doesnotexist00'",
                                    "failed"),
              "failed");
    // And the tenant's admin reads them through the API.
    const auto listed = auditList("?actor=" + actor + "&action=apikey.revoke",
                                  bearer(server_->accessToken(kAdmin, kPassword)));
    bool found = false;
    for (const auto& e : listed["entries"]) found |= e["resource"] == key.id;
    EXPECT_TRUE(found) << listed.dump();
}

TEST_F(AuditTest, TheListFiltersAndPages) {
    const auto admin = bearer(server_->accessToken(kAdmin, kPassword));
    const auto viewer = bearer(server_->accessToken(kViewer, kPassword));
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
        ids.push_back(server_->get("/api/v1/users", admin).header("X-Request-Id"));
    }
    for (int i = 0; i < 2; ++i) {
        ids.push_back(server_->get("/api/v1/users", viewer).header("X-Request-Id"));
    }
    rowsOf(ids);

    const auto by_actor = auditList("?actor=" + kViewer + "&limit=1000", admin)["entries"];
    ASSERT_FALSE(by_actor.empty());
    for (const auto& e : by_actor) EXPECT_EQ(e["actor"], kViewer);
    const auto by_action = auditList("?action=user.list&limit=1000", admin)["entries"];
    ASSERT_GE(by_action.size(), 7u);
    for (const auto& e : by_action) EXPECT_EQ(e["action"], "user.list");
    const auto denied = auditList("?outcome=denied&action=user.list&limit=1000", admin)["entries"];
    ASSERT_GE(denied.size(), 2u);
    for (const auto& e : denied) {
        EXPECT_EQ(e["outcome"], "denied");
        EXPECT_EQ(e["actor"], kViewer);
    }

    // since/until are inclusive, to the millisecond.
    const auto& middle = by_action[by_action.size() / 2];
    const int64_t t = middle["timestamp_ms"];
    auto contains = [&](const nlohmann::json& entries) {
        for (const auto& e : entries) {
            if (e["event_id"] == middle["event_id"]) return true;
        }
        return false;
    };
    const auto since = auditList("?action=user.list&limit=1000&since=" + std::to_string(t), admin);
    EXPECT_TRUE(contains(since["entries"]));
    for (const auto& e : since["entries"]) EXPECT_GE(e["timestamp_ms"].get<int64_t>(), t);
    const auto after =
        auditList("?action=user.list&limit=1000&since=" + std::to_string(t + 1), admin);
    EXPECT_FALSE(contains(after["entries"]));
    const auto until = auditList("?action=user.list&limit=1000&until=" + std::to_string(t), admin);
    EXPECT_TRUE(contains(until["entries"]));
    for (const auto& e : until["entries"]) EXPECT_LE(e["timestamp_ms"].get<int64_t>(), t);
    const auto before =
        auditList("?action=user.list&limit=1000&until=" + std::to_string(t - 1), admin);
    EXPECT_FALSE(contains(before["entries"]));
    EXPECT_EQ(since["entries"].size() + before["entries"].size(), by_action.size());

    // Pages of 2 cover the same entries, newest first, without repeats.
    std::vector<std::string> paged;
    std::string token;
    for (int pages = 0; pages < 100; ++pages) {
        auto page = auditList(
            "?action=user.list&limit=2" + (token.empty() ? "" : "&page_token=" + token), admin);
        EXPECT_LE(page["entries"].size(), 2u);
        for (const auto& e : page["entries"]) paged.push_back(e["event_id"]);
        if (page["next_page_token"].is_null()) break;
        token = page["next_page_token"];
    }
    std::vector<std::string> all;
    for (const auto& e : by_action) all.push_back(e["event_id"]);
    EXPECT_EQ(paged, all);
    EXPECT_EQ(server_->get("/api/v1/audit?limit=0", admin).status, 400);
    EXPECT_EQ(server_->get("/api/v1/audit?since=yesterday", admin).status, 400);
}

TEST_F(AuditTest, VerifyIsOkUntilARowIsAlteredInClickHouse) {
    // A tenant of its own, so that the broken chain concerns no other test.
    const std::string tenant = "audit-tamper";
    const std::string email = "admin@tamper.example.com";
    server_->admin("bootstrap --tenant " + tenant + " --email " + email + " --password-file -",
                   kPassword);
    const auto admin = bearer(server_->accessToken(email, kPassword));
    std::vector<std::string> ids;
    for (int i = 0; i < 4; ++i) {
        ids.push_back(server_->get("/api/v1/apikeys", admin).header("X-Request-Id"));
    }
    rowsOf(ids);
    auto ok = server_->get("/api/v1/audit/verify", admin);
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(ok.json()["ok"], true) << ok.body;
    EXPECT_GE(ok.json()["entries"].get<int>(), 4);
    EXPECT_TRUE(ok.json()["first_broken"].is_null());

    server_->query("ALTER TABLE infrasage_audit_log UPDATE actor = 'evil' WHERE tenant_id = '" +
                   tenant + "' AND request_id = '" + ids[1] + "'");
    ASSERT_EQ(server_->waitForQuery("SELECT count() FROM system.mutations WHERE database = '" +
                                        server_->database() + "' AND is_done = 0",
                                    "0"),
              "0");
    ASSERT_EQ(
        server_->query("SELECT actor FROM infrasage_audit_log WHERE request_id = '" + ids[1] + "'"),
        "evil\n");
    auto broken = server_->get("/api/v1/audit/verify", admin);
    ASSERT_EQ(broken.status, 200) << broken.body;
    EXPECT_EQ(broken.json()["ok"], false) << broken.body;
    ASSERT_TRUE(broken.json()["first_broken"].is_object()) << broken.body;
    EXPECT_FALSE(broken.json()["first_broken"]["reason"].get<std::string>().empty());
    // The main tenant's chain is untouched.
    auto main_ok =
        server_->get("/api/v1/audit/verify", bearer(server_->accessToken(kAdmin, kPassword)));
    EXPECT_EQ(main_ok.json()["ok"], true) << main_ok.body;
}

// Ingestion is summarised: one telemetry.ingest entry per key and minute with the totals. A server
// of its own, stopped to flush the current minute.
TEST(AuditIngestion, IngestionIsSummarisedPerKeyAndMinute) {
    SecurityServer server("audit_ingest");
    server.start();
    server.createTenant("audit-ingest");
    const auto key = server.createKey("audit-ingest", "ingestion");
    const auto other = server.createKey("audit-ingest", "ingestion");
    const std::string batch = R"([{"service_id":"s","metric_name":"m","value":1},
        {"service_id":"s","metric_name":"m","value":2},{"service_id":"s","metric_name":"m","value":3}])";
    for (int i = 0; i < 4; ++i) {
        ASSERT_EQ(server.post("/api/v1/telemetry/batch", batch, apiKeyHeader(key.secret)).status,
                  200);
    }
    for (int i = 0; i < 2; ++i) {
        ASSERT_EQ(
            server
                .post("/api/v1/telemetry", R"({"service_id":"s","metric_name":"m","value":9})",
                      apiKeyHeader(key.secret))
                .status,
            200);
    }
    ASSERT_EQ(server
                  .post("/api/v1/telemetry", R"({"service_id":"s","metric_name":"m","value":9})",
                        apiKeyHeader(other.secret))
                  .status,
              200);
    // A refused ingestion is not summarised away: it is a denial with its own entry.
    const auto denied = server.post("/api/v1/telemetry", R"({"service_id":"s"})",
                                    apiKeyHeader("isage_" + randomToken(32)));
    ASSERT_EQ(denied.status, 401);
    EXPECT_EQ(server.stop(), 0);

    std::istringstream lines(server.query(
        "SELECT actor, details, toStartOfMinute(timestamp) AS minute FROM infrasage_audit_log "
        "WHERE action = 'telemetry.ingest' AND tenant_id = 'audit-ingest' FORMAT JSONEachRow"));
    std::map<std::string, std::pair<int64_t, int64_t>> totals;  // actor -> records, requests
    std::set<std::pair<std::string, std::string>> minutes;
    int rows = 0;
    for (std::string line; std::getline(lines, line);) {
        const auto row = nlohmann::json::parse(line);
        ++rows;
        EXPECT_TRUE(
            minutes.insert({row["actor"].get<std::string>(), row["minute"].get<std::string>()})
                .second)
            << "one entry per key and minute: " << line;
        const auto details = nlohmann::json::parse(row["details"].get<std::string>());
        totals[row["actor"].get<std::string>()].first += details["records"].get<int64_t>();
        totals[row["actor"].get<std::string>()].second += details["requests"].get<int64_t>();
    }
    EXPECT_LE(rows, 4) << "six requests of one key are not six entries";
    EXPECT_EQ(totals[key.id], std::make_pair(int64_t{14}, int64_t{6}));
    EXPECT_EQ(totals[other.id], std::make_pair(int64_t{1}, int64_t{1}));
    EXPECT_EQ(server.query("SELECT outcome, status FROM infrasage_audit_log WHERE request_id = '" +
                           denied.header("X-Request-Id") + "' FORMAT TSV"),
              "denied\t401\n");
}

}  // namespace
}  // namespace infrasage::testing::security
