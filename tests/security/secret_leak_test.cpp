// Secrets never reach logs, the audit trail or storage in clear. Passwords, API keys, refresh
// tokens and JWTs are created through the API and the admin CLI and used (also wrongly: failed
// logins whose "password" is a real-looking secret, unknown and mismatched keys); then the server
// log, everything under the server's data directory (control store, write-ahead log), the test
// ClickHouse's own logs and the audit table are searched for every one of them and for the JWT
// secret and the key pepper. Key ids may appear, and must: the audit table names the keys used.
#include <gtest/gtest.h>

#include <filesystem>

#include "SecurityServer.h"
#include "support/TestEnv.h"

namespace infrasage::testing::security {
namespace {

struct Haystack {
    std::string name;
    std::string text;
};

TEST(SecretLeak, NoSecretReachesLogsAuditOrStorage) {
    SecurityServer server("leaks");
    server.start();
    std::map<std::string, std::string> secrets;  // what -> secret
    secrets["jwt secret"] = server.jwtSecret();
    secrets["api key pepper"] = server.apiKeyPepper();

    const std::string tenant = "leak-main";
    const std::string admin_email = "admin@leak.example.com";
    secrets["admin password"] = "Adm1n-" + randomToken(24);
    server.admin("bootstrap --tenant " + tenant + " --email " + admin_email + " --password-file -",
                 secrets["admin password"]);
    secrets["cli user password"] = "Cl1-" + randomToken(24);
    server.createUser(tenant, "viewer@leak.example.com", "viewer", secrets["cli user password"]);
    const auto cli_key = server.createKey(tenant, "full");
    secrets["cli key"] = cli_key.secret;
    const auto rotated =
        server.admin("apikey rotate --tenant " + tenant + " --key-id " + cli_key.id);
    secrets["cli rotated key"] = rotated.substr(rotated.rfind('\n', rotated.size() - 2) + 1, 38);
    ASSERT_EQ(secrets["cli rotated key"].rfind("isage_", 0), 0u) << rotated;

    // Login, refresh (and a replay), API-created user and keys, rotation, revocation.
    auto login = server.login(admin_email, secrets["admin password"]);
    ASSERT_EQ(login.status, 200) << login.body;
    secrets["jwt 1"] = login.json()["access_token"];
    secrets["refresh 1"] = login.json()["refresh_token"];
    auto refreshed = server.post("/api/v1/auth/refresh",
                                 nlohmann::json{{"refresh_token", secrets["refresh 1"]}}.dump());
    ASSERT_EQ(refreshed.status, 200);
    secrets["jwt 2"] = refreshed.json()["access_token"];
    secrets["refresh 2"] = refreshed.json()["refresh_token"];
    EXPECT_EQ(server
                  .post("/api/v1/auth/refresh",
                        nlohmann::json{{"refresh_token", secrets["refresh 1"]}}.dump())
                  .status,
              401);
    const auto admin = bearer(secrets["jwt 2"]);
    secrets["api user password"] = "Ap1-" + randomToken(24);
    auto user = server.post("/api/v1/users",
                            nlohmann::json{{"email", "op@leak.example.com"},
                                           {"password", secrets["api user password"]},
                                           {"role", "operator"}}
                                .dump(),
                            admin);
    ASSERT_EQ(user.status, 201) << user.body;
    auto op_login = server.login("op@leak.example.com", secrets["api user password"]);
    ASSERT_EQ(op_login.status, 200);
    secrets["operator jwt"] = op_login.json()["access_token"];
    secrets["operator refresh"] = op_login.json()["refresh_token"];
    auto key = server.post("/api/v1/apikeys", R"({"name":"leaky","scope":"full"})", admin);
    ASSERT_EQ(key.status, 201);
    secrets["api key"] = key.json()["secret"];
    const std::string api_key_id = key.json()["key_id"];
    auto rotation = server.post("/api/v1/apikeys/" + api_key_id + "/rotate", "{}", admin);
    ASSERT_EQ(rotation.status, 201);
    secrets["api rotated key"] = rotation.json()["secret"];
    const std::string rotated_id = rotation.json()["key_id"];

    // Use everything, rightly and wrongly.
    for (const auto& k : {secrets["cli rotated key"], secrets["api rotated key"]}) {
        EXPECT_EQ(server.get("/api/v1/auth/me", apiKeyHeader(k)).status, 200);
        EXPECT_EQ(server.get("/api/v1/auth/me", bearer(k)).status, 200);
        EXPECT_EQ(
            server
                .post("/api/v1/telemetry",
                      R"({"service_id":"leak-svc","metric_name":"m","value":1})", apiKeyHeader(k))
                .status,
            200);
    }
    for (const auto& k : {secrets["cli key"], secrets["api key"]}) {  // replaced by rotation
        EXPECT_EQ(server.get("/api/v1/auth/me", apiKeyHeader(k)).status, 401);
    }
    secrets["unknown key"] = "isage_" + randomToken(32);
    EXPECT_EQ(server.get("/api/v1/apikeys", apiKeyHeader(secrets["unknown key"])).status, 401);
    Headers mismatched{{"X-API-Key", secrets["api rotated key"]},
                       {"Authorization", "Bearer " + secrets["cli rotated key"]}};
    EXPECT_EQ(server.get("/api/v1/auth/me", mismatched).status, 401);
    EXPECT_EQ(server.get("/api/v1/auth/me", bearer(secrets["operator jwt"])).status, 200);
    EXPECT_EQ(server.get("/api/v1/apikeys", bearer(secrets["operator jwt"])).status, 403);
    secrets["wrong password 1"] = "Wr0ng-" + randomToken(24);
    secrets["wrong password 2"] = "isage_" + randomToken(32);
    const std::vector<std::pair<std::string, std::string>> failed_logins = {
        {"viewer@leak.example.com", secrets["wrong password 1"]},
        {"op@leak.example.com", secrets["wrong password 2"]},
        {"nobody@leak.example.com", secrets["jwt 2"]},
        {"someone@leak.example.com", secrets["refresh 2"]}};
    for (const auto& [email, password] : failed_logins) {
        EXPECT_EQ(server.login(email, password).status, 401);
    }
    auto logout = server.post("/api/v1/auth/logout",
                              nlohmann::json{{"refresh_token", secrets["operator refresh"]}}.dump(),
                              bearer(secrets["operator jwt"]));
    EXPECT_EQ(logout.status, 200);
    const auto last = server.get("/api/v1/apikeys", admin);
    ASSERT_EQ(last.status, 200);

    // Wait until the last request's audit entry is in ClickHouse, then stop (flushes the rest).
    const std::string last_id = last.header("X-Request-Id");
    ASSERT_FALSE(last_id.empty());
    ASSERT_EQ(
        server.waitForQuery(
            "SELECT count() FROM infrasage_audit_log WHERE request_id = '" + last_id + "'", "1"),
        "1");
    const auto data_dir = server.process().dataDir();
    EXPECT_EQ(server.stop(), 0);

    std::vector<Haystack> haystacks;
    haystacks.push_back(
        {"audit table", server.query("SELECT * FROM infrasage_audit_log FORMAT TSV")});
    for (const auto& entry : std::filesystem::recursive_directory_iterator(data_dir)) {
        if (entry.is_regular_file()) {
            haystacks.push_back({entry.path().string(), readFile(entry.path().string())});
        }
    }
    const auto clickhouse_logs = sourceDir() / ".data" / "clickhouse-test" / "logs";
    if (std::filesystem::is_directory(clickhouse_logs)) {
        for (const auto& entry : std::filesystem::directory_iterator(clickhouse_logs)) {
            if (entry.is_regular_file()) {
                haystacks.push_back({entry.path().string(), readFile(entry.path().string())});
            }
        }
    }

    // The search looks at the right data: the log and the audit table name the keys and users.
    const auto& audit = haystacks.front().text;
    EXPECT_NE(audit.find(api_key_id), std::string::npos);
    EXPECT_NE(audit.find(rotated_id), std::string::npos);
    EXPECT_NE(audit.find(cli_key.id), std::string::npos);
    EXPECT_NE(audit.find("nobody@leak.example.com"), std::string::npos);
    EXPECT_NE(readFile(server.process().logFile().string()).find(rotated_id), std::string::npos);
    bool saw_control_store = false;
    bool saw_wal = false;
    for (const auto& h : haystacks) {
        saw_control_store |= h.name.ends_with("control.db");
        saw_wal |= h.name.find("/wal/") != std::string::npos;
    }
    EXPECT_TRUE(saw_control_store);
    EXPECT_TRUE(saw_wal);

    for (const auto& [what, secret] : secrets) {
        ASSERT_GE(secret.size(), 24u) << what;
        // The part after any fixed prefix is what makes it secret.
        const std::string tail = secret.substr(secret.size() - 20);
        for (const auto& h : haystacks) {
            EXPECT_EQ(h.text.find(secret), std::string::npos) << what << " found in " << h.name;
            EXPECT_EQ(h.text.find(tail), std::string::npos)
                << "the last 20 characters of the " << what << " found in " << h.name;
        }
    }
}

}  // namespace
}  // namespace infrasage::testing::security
