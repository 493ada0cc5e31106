// API keys over HTTP against the real server: the secret is shown once and never again (nor its
// hash), both header forms work, revocation and rotation take effect at once, expiry, scopes,
// tenant boundaries, per-key and per-tenant rate limits, and the tenant's key quota.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <thread>

#include "SecurityServer.h"

namespace infrasage::testing::security {
namespace {

const std::string kTenant = "ak-main";
const std::string kAdmin = "admin@ak.example.com";
const std::string kPassword = "api key admin password";

class ApiKeyTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        server_ = new SecurityServer("apikeys");
        server_->start();
        server_->admin(
            "bootstrap --tenant " + kTenant + " --email " + kAdmin + " --password-file -",
            kPassword);
        server_->admin("tenant create --tenant " + kTenant + "-b --rps-quota 0");
        admin_token_ = server_->accessToken(kAdmin, kPassword);
    }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }

    static Headers admin() { return bearer(admin_token_); }

    static nlohmann::json createKey(const nlohmann::json& request) {
        auto r = server_->post("/api/v1/apikeys", request.dump(), admin());
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json();
    }

    // The stored form of a secret: HMAC-SHA256(pepper, secret) in hex, computed by Python.
    static std::string storedHash(const std::string& secret) {
        const std::string script =
            "import hashlib, hmac, json, sys\n"
            "inp = json.load(sys.stdin)\n"
            "print(hmac.new(inp['pepper'].encode(), inp['secret'].encode(),\n"
            "               hashlib.sha256).hexdigest())\n";
        auto out = runPython(
            script, nlohmann::json{{"pepper", server_->apiKeyPepper()}, {"secret", secret}}.dump());
        return out.substr(0, 64);
    }

    static void expectNoSecretIn(const Reply& r, const std::string& secret) {
        EXPECT_EQ(r.body.find(secret), std::string::npos) << r.body;
        EXPECT_EQ(r.body.find(secret.substr(8)), std::string::npos) << "secret tail in " << r.body;
        EXPECT_EQ(r.body.find(storedHash(secret)), std::string::npos) << "hash in " << r.body;
        EXPECT_EQ(r.body.find("\"secret\""), std::string::npos) << r.body;
        EXPECT_EQ(r.body.find("\"hash\""), std::string::npos) << r.body;
    }

    static int meStatus(const std::string& secret) {
        return server_->get("/api/v1/auth/me", apiKeyHeader(secret)).status;
    }

    static double metric(const std::string& series) {
        const auto text = server_->get("/metrics").body;
        std::smatch m;
        const std::regex re(std::regex_replace(series, std::regex(R"([{}\"])"), R"(\$&)") +
                            R"( ([0-9.e+]+))");
        return std::regex_search(text, m, re) ? std::stod(m[1]) : 0.0;
    }

    static inline SecurityServer* server_ = nullptr;
    static inline std::string admin_token_;
};

TEST_F(ApiKeyTest, TheSecretIsShownOnceAndNeverAgainNorItsHash) {
    const auto created = createKey({{"name", "ci"}, {"scope", "readonly"}});
    const auto secret = created.value("secret", "");
    const auto id = created.value("key_id", "");
    ASSERT_EQ(secret.size(), 38u) << created.dump();
    EXPECT_EQ(secret.rfind("isage_", 0), 0u);
    EXPECT_EQ(id.rfind("isage_key_", 0), 0u);
    EXPECT_EQ(created.value("prefix", ""), secret.substr(0, 8));
    EXPECT_EQ(created.value("scope", ""), "readonly");
    EXPECT_EQ(created.value("status", ""), "active");
    EXPECT_EQ(created.value("created_by", ""), kAdmin);
    EXPECT_EQ(created.count("hash"), 0u);
    EXPECT_EQ(created.dump().find(storedHash(secret)), std::string::npos);

    const auto list = server_->get("/api/v1/apikeys", admin());
    ASSERT_EQ(list.status, 200);
    EXPECT_NE(list.body.find(id), std::string::npos) << "the key is listed";
    expectNoSecretIn(list, secret);
    const auto one = server_->get("/api/v1/apikeys/" + id, admin());
    ASSERT_EQ(one.status, 200);
    EXPECT_EQ(one.json().value("prefix", ""), secret.substr(0, 8));
    expectNoSecretIn(one, secret);
    // The CLI lists keys without secrets too.
    const auto cli = server_->admin("apikey list --tenant " + kTenant);
    EXPECT_NE(cli.find(id), std::string::npos);
    EXPECT_EQ(cli.find(secret), std::string::npos);
}

TEST_F(ApiKeyTest, BothHeaderFormsWorkAndRevocationIsImmediate) {
    const auto created = createKey({{"name", "agent"}, {"scope", "ingestion"}});
    const std::string secret = created["secret"];
    const std::string id = created["key_id"];
    auto x = server_->get("/api/v1/auth/me", apiKeyHeader(secret));
    ASSERT_EQ(x.status, 200) << x.body;
    EXPECT_EQ(x.json()["actor"], id);
    EXPECT_EQ(x.json()["scope"], "ingestion");
    EXPECT_EQ(server_->get("/api/v1/auth/me", bearer(secret)).status, 200);

    const auto revoked = server_->call("DELETE", "/api/v1/apikeys/" + id, admin());
    ASSERT_EQ(revoked.status, 200) << revoked.body;
    EXPECT_EQ(revoked.json()["status"], "revoked");
    EXPECT_EQ(meStatus(secret), 401);
    EXPECT_EQ(server_->get("/api/v1/auth/me", bearer(secret)).status, 401);
    EXPECT_EQ(server_
                  ->post("/api/v1/telemetry", R"({"service_id":"s","metric_name":"m","value":1})",
                         apiKeyHeader(secret))
                  .status,
              401);
}

TEST_F(ApiKeyTest, RotationReplacesTheSecretAtOnceAndKeepsTheScope) {
    const auto created = createKey({{"name", "rotating"}, {"scope", "full"}});
    const std::string old_secret = created["secret"];
    ASSERT_EQ(meStatus(old_secret), 200);
    const auto rotated = server_->post(
        "/api/v1/apikeys/" + created["key_id"].get<std::string>() + "/rotate", "{}", admin());
    ASSERT_EQ(rotated.status, 201) << rotated.body;
    const auto successor = rotated.json();
    const std::string new_secret = successor["secret"];
    EXPECT_NE(new_secret, old_secret);
    EXPECT_NE(successor["key_id"], created["key_id"]);
    EXPECT_EQ(successor["rotated_from"], created["key_id"]);
    EXPECT_EQ(successor["scope"], "full");
    EXPECT_EQ(successor["prefix"], new_secret.substr(0, 8));
    EXPECT_EQ(meStatus(old_secret), 401);
    const auto me = server_->get("/api/v1/auth/me", apiKeyHeader(new_secret));
    ASSERT_EQ(me.status, 200);
    EXPECT_EQ(me.json()["scope"], "full");
    EXPECT_EQ(server_->get("/api/v1/apikeys", apiKeyHeader(new_secret)).status, 200);
}

TEST_F(ApiKeyTest, AnExpiredKeyIsRefused) {
    const auto key = server_->createKey(kTenant, "readonly", "--expires-in 3s");
    EXPECT_EQ(meStatus(key.secret), 200) << "valid before it expires";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        status = meStatus(key.secret);
        if (status == 401) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    EXPECT_EQ(status, 401);
    EXPECT_EQ(server_->get("/api/v1/apikeys/" + key.id, admin()).json().value("status", ""),
              "expired");
}

TEST_F(ApiKeyTest, EachScopeIsHeldToItsEndpoints) {
    const auto ingestion = server_->createKey(kTenant, "ingestion").secret;
    const auto readonly = server_->createKey(kTenant, "readonly").secret;
    const auto full = server_->createKey(kTenant, "full").secret;
    const std::string record = R"({"service_id":"s","metric_name":"m","value":1})";

    auto r = server_->get("/api/v1/apikeys", apiKeyHeader(ingestion));
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.json().value("error", ""), "forbidden");
    EXPECT_EQ(server_->post("/api/v1/telemetry", record, apiKeyHeader(ingestion)).status, 200);

    EXPECT_EQ(server_->post("/api/v1/telemetry", record, apiKeyHeader(readonly)).status, 403);
    EXPECT_EQ(server_->get("/api/v1/status", apiKeyHeader(readonly)).status, 200);

    EXPECT_EQ(server_->get("/api/v1/tenants", apiKeyHeader(full)).status, 403);
    EXPECT_EQ(server_->get("/api/v1/tenants/" + kTenant, apiKeyHeader(full)).status, 403);
    EXPECT_EQ(server_
                  ->call("PATCH", "/api/v1/tenants/" + kTenant, apiKeyHeader(full),
                         R"({"max_api_keys":100000})")
                  .status,
              403);
    EXPECT_EQ(
        server_->post("/api/v1/tenants", R"({"tenant_id":"ak-made-by-key"})", apiKeyHeader(full))
            .status,
        403);
    EXPECT_EQ(server_->post("/api/v1/auth/logout", "{}", apiKeyHeader(full)).status, 403);
    // A full key acts as an admin at most: it cannot create a super_admin.
    r = server_->post(
        "/api/v1/users",
        R"({"email":"up@ak.example.com","password":"long enough pw 1","role":"super_admin"})",
        apiKeyHeader(full));
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(server_->get("/api/v1/apikeys", apiKeyHeader(full)).status, 200);
}

TEST_F(ApiKeyTest, AKeyOfAnotherTenantCannotReachThisTenantsKeys) {
    const auto mine = server_->createKey(kTenant, "full");
    const auto theirs = server_->createKey(kTenant + "-b", "full");
    for (const auto& [method, suffix] : std::vector<std::pair<std::string, std::string>>{
             {"GET", ""}, {"DELETE", ""}, {"POST", "/rotate"}}) {
        const auto r = server_->call(method, "/api/v1/apikeys/" + mine.id + suffix,
                                     apiKeyHeader(theirs.secret), method == "GET" ? "" : "{}");
        EXPECT_EQ(r.status, 404) << method << " " << r.body;
        EXPECT_EQ(r.body.find(kTenant + "\""), std::string::npos) << r.body;
    }
    const auto list = server_->get("/api/v1/apikeys", apiKeyHeader(theirs.secret));
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(list.body.find(mine.id), std::string::npos);
    EXPECT_EQ(meStatus(mine.secret), 200) << "the other tenant's attempts changed nothing";
    EXPECT_EQ(server_->get("/api/v1/apikeys/" + mine.id, admin()).json().value("status", ""),
              "active");
}

TEST_F(ApiKeyTest, APerKeyRateLimitAnswers429WithRetryAfter) {
    const auto created = createKey({{"name", "slow"}, {"scope", "full"}, {"rate_limit_rps", 2}});
    const double before = metric(R"(infrasage_rate_limited_total{kind="api_key"})");
    int ok = 0;
    int limited = 0;
    for (int i = 0; i < 20; ++i) {
        const auto r = server_->get("/api/v1/auth/me", apiKeyHeader(created["secret"]));
        if (r.status == 200) ++ok;
        if (r.status == 429) {
            ++limited;
            EXPECT_EQ(r.json().value("error", ""), "rate_limit_exceeded");
            EXPECT_GE(std::stoi(r.header("Retry-After").empty() ? "0" : r.header("Retry-After")),
                      1);
        }
    }
    EXPECT_GE(ok, 1);
    EXPECT_GE(limited, 1);
    EXPECT_EQ(ok + limited, 20);
    EXPECT_GE(metric(R"(infrasage_rate_limited_total{kind="api_key"})"), before + limited);
}

TEST_F(ApiKeyTest, ATenantRpsQuotaAnswers429WithRetryAfter) {
    server_->admin("tenant create --tenant ak-quota-rps --rps-quota 2");
    const auto a = server_->createKey("ak-quota-rps", "full").secret;
    const auto b = server_->createKey("ak-quota-rps", "readonly").secret;
    const double before = metric(R"(infrasage_rate_limited_total{kind="tenant"})");
    int limited = 0;
    for (int i = 0; i < 20; ++i) {
        // Two keys: the budget is the tenant's, whichever key spends it.
        const auto r = server_->get("/api/v1/auth/me", apiKeyHeader(i % 2 ? a : b));
        if (r.status == 429) {
            ++limited;
            EXPECT_EQ(r.json().value("error", ""), "rate_limit_exceeded");
            EXPECT_FALSE(r.header("Retry-After").empty());
        } else {
            EXPECT_EQ(r.status, 200) << r.body;
        }
    }
    EXPECT_GE(limited, 1);
    EXPECT_GE(metric(R"(infrasage_rate_limited_total{kind="tenant"})"), before + limited);
    // Other tenants are not affected.
    EXPECT_EQ(server_->get("/api/v1/auth/me", admin()).status, 200);
}

TEST_F(ApiKeyTest, TheTenantKeyQuotaIsEnforced) {
    const std::string ops = "ops@ak.example.com";
    server_->admin(
        "bootstrap --tenant ak-ops --role super_admin --email " + ops + " --password-file -",
        kPassword);
    const std::string owner = "owner@ak-quota.example.com";
    server_->admin("bootstrap --tenant ak-quota --email " + owner + " --password-file -",
                   kPassword);
    const auto patched =
        server_->call("PATCH", "/api/v1/tenants/ak-quota",
                      bearer(server_->accessToken(ops, kPassword)), R"({"max_api_keys":1})");
    ASSERT_EQ(patched.status, 200) << patched.body;
    EXPECT_EQ(patched.json()["quotas"]["max_api_keys"], 1);

    const auto token = server_->accessToken(owner, kPassword);
    const std::string body = R"({"name":"one","scope":"readonly"})";
    EXPECT_EQ(server_->post("/api/v1/apikeys", body, bearer(token)).status, 201);
    const auto second = server_->post("/api/v1/apikeys", body, bearer(token));
    EXPECT_EQ(second.status, 409) << second.body;
    EXPECT_EQ(second.json().value("error", ""), "quota_exceeded");
    std::string out;
    EXPECT_NE(
        server_->adminStatus("apikey create --tenant ak-quota --name two --scope full", "", out), 0)
        << "the CLI obeys the quota too: " << out;
}

}  // namespace
}  // namespace infrasage::testing::security
