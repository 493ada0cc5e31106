// Password login, refresh and logout against the real server: the OAuth 2.0 answer, one answer
// for every failed login, brute-force protection per account and per client IP, refresh-token
// rotation with reuse detection (a replayed token revokes its whole family), logout, and the
// production access-token lifetime.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "SecurityServer.h"
#include "support/TestEnv.h"

namespace infrasage::testing::security {
namespace {

const std::string kTenant = "login-main";
const std::string kPassword = "a long enough login password";

Reply refresh(const SecurityServer& server, const std::string& token) {
    return server.post("/api/v1/auth/refresh", nlohmann::json{{"refresh_token", token}}.dump());
}

void expectTokenShape(const Reply& r, int64_t expires_in) {
    ASSERT_EQ(r.status, 200) << r.body;
    const auto j = r.json();
    std::set<std::string> fields;
    for (const auto& [k, v] : j.items()) fields.insert(k);
    EXPECT_EQ(fields, (std::set<std::string>{"access_token", "token_type", "expires_in",
                                             "refresh_token", "refresh_expires_in"}));
    EXPECT_EQ(j.value("token_type", ""), "Bearer");
    EXPECT_EQ(j.value("expires_in", int64_t{0}), expires_in);
    EXPECT_GT(j.value("refresh_expires_in", int64_t{0}), expires_in);
    EXPECT_FALSE(j.value("refresh_token", "").empty());
    const auto access = j.value("access_token", "");
    EXPECT_EQ(std::count(access.begin(), access.end(), '.'), 2) << "a JWT has three segments";
}

// exp - iat of a JWT, decoded independently by Python.
int64_t lifetimeOf(const std::string& token) {
    const std::string script =
        "import base64, json, sys\n"
        "p = sys.stdin.read().split('.')[1]\n"
        "c = json.loads(base64.urlsafe_b64decode(p + '=' * (-len(p) % 4)))\n"
        "print(c['exp'] - c['iat'])\n";
    return std::stoll(runPython(script, token));
}

class LoginTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        server_ = new SecurityServer("login");
        server_->start();
        server_->createTenant(kTenant);
    }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }

    // A fresh user of the test tenant; returns its email.
    static std::string newUser(const std::string& name, const std::string& role = "viewer") {
        const std::string email = name + "@login.example.com";
        server_->createUser(kTenant, email, role, kPassword);
        return email;
    }

    static inline SecurityServer* server_ = nullptr;
};

TEST_F(LoginTest, LoginAnswersInTheOAuthShapeWithTheDevelopmentLifetime) {
    const auto email = newUser("shape");
    const auto r = server_->login(email, kPassword);
    expectTokenShape(r, 86400);
    const auto token = r.json()["access_token"].get<std::string>();
    EXPECT_EQ(lifetimeOf(token), 86400);
    const auto me = server_->get("/api/v1/auth/me", bearer(token));
    ASSERT_EQ(me.status, 200) << me.body;
    EXPECT_EQ(me.json()["email"], email);
    // The email is case-insensitive.
    std::string upper = email;
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    EXPECT_EQ(server_->login(upper, kPassword).status, 200);
}

TEST_F(LoginTest, UnknownUserAndWrongPasswordGetTheSameAnswer) {
    const auto email = newUser("same-answer");
    const auto unknown = server_->login("nobody-here@login.example.com", kPassword);
    const auto wrong = server_->login(email, "not the right password");
    EXPECT_EQ(unknown.status, 401);
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(unknown.body, wrong.body);
    EXPECT_EQ(wrong.json().value("error", ""), "invalid_credentials");
    EXPECT_EQ(unknown.header("Retry-After"), wrong.header("Retry-After"));
    EXPECT_EQ(unknown.body.find("nobody"), std::string::npos);
}

TEST_F(LoginTest, AnAccountIsLockedAfterItsFailureBudgetEvenForTheRightPassword) {
    const auto email = newUser("brute");
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(server_->login(email, "guess number " + std::to_string(i)).status, 401) << i;
    }
    const auto locked = server_->login(email, kPassword);
    EXPECT_EQ(locked.status, 429) << locked.body;
    EXPECT_EQ(locked.json().value("error", ""), "too_many_login_attempts");
    ASSERT_FALSE(locked.header("Retry-After").empty());
    const int retry = std::stoi(locked.header("Retry-After"));
    EXPECT_GE(retry, 1);
    EXPECT_LE(retry, 300);
    // Only that account: another one still logs in from the same address.
    EXPECT_EQ(server_->login(newUser("not-locked"), kPassword).status, 200);
}

TEST_F(LoginTest, RefreshRotatesAndAReplayedTokenRevokesTheWholeFamily) {
    const auto email = newUser("rotate");
    const auto first = server_->login(email, kPassword);
    ASSERT_EQ(first.status, 200);
    const auto r1 = first.json()["refresh_token"].get<std::string>();

    const auto second = refresh(*server_, r1);
    expectTokenShape(second, 86400);
    const auto r2 = second.json()["refresh_token"].get<std::string>();
    EXPECT_NE(r2, r1);
    EXPECT_EQ(server_->get("/api/v1/auth/me", bearer(second.json()["access_token"])).status, 200);

    // The old token is refused once used ...
    const auto replay = refresh(*server_, r1);
    EXPECT_EQ(replay.status, 401) << replay.body;
    // ... and its replay revoked the family: the newest token is dead too.
    const auto after = refresh(*server_, r2);
    EXPECT_EQ(after.status, 401) << after.body;
    // A new login starts a new family.
    const auto fresh = server_->login(email, kPassword);
    ASSERT_EQ(fresh.status, 200);
    EXPECT_EQ(refresh(*server_, fresh.json()["refresh_token"]).status, 200);
}

TEST_F(LoginTest, LogoutRevokesTheCallersFamilyOnly) {
    const auto alice = newUser("alice");
    const auto bob = newUser("bob");
    const auto a = server_->login(alice, kPassword).json();
    const auto b = server_->login(bob, kPassword).json();

    // Alice cannot log Bob out with Bob's refresh token.
    auto r = server_->post("/api/v1/auth/logout",
                           nlohmann::json{{"refresh_token", b["refresh_token"]}}.dump(),
                           bearer(a["access_token"]));
    EXPECT_EQ(r.status, 200) << r.body;
    const auto b2 = refresh(*server_, b["refresh_token"]);
    EXPECT_EQ(b2.status, 200) << b2.body;

    // Alice logs out: her refresh token, and every later one of the family, stops working.
    const auto a2 = refresh(*server_, a["refresh_token"]);
    ASSERT_EQ(a2.status, 200);
    r = server_->post("/api/v1/auth/logout",
                      nlohmann::json{{"refresh_token", a2.json()["refresh_token"]}}.dump(),
                      bearer(a2.json()["access_token"]));
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(refresh(*server_, a2.json()["refresh_token"]).status, 401);
    // Bob's session is untouched.
    EXPECT_EQ(refresh(*server_, b2.json()["refresh_token"]).status, 200);
}

TEST(LoginThrottleByAddress, OneAddressSprayingManyAccountsIsStopped) {
    SecurityServer server("login_ip");
    server.start();
    server.createTenant(kTenant);
    const std::string email = "sprayed@login.example.com";
    server.createUser(kTenant, email, "viewer", kPassword);
    // 30 failures, each against a different account (no account reaches its own budget).
    for (int i = 0; i < 30; ++i) {
        const auto r =
            server.login("spray-" + std::to_string(i) + "@login.example.com", "wrong password");
        ASSERT_EQ(r.status, 401) << "attempt " << i << ": " << r.body;
    }
    const auto blocked = server.login(email, kPassword);
    EXPECT_EQ(blocked.status, 429) << blocked.body;
    EXPECT_EQ(blocked.json().value("error", ""), "too_many_login_attempts");
    ASSERT_FALSE(blocked.header("Retry-After").empty());
    EXPECT_GE(std::stoi(blocked.header("Retry-After")), 1);
}

TEST(LoginInProduction, AccessTokensLiveOneHour) {
    const auto password_file = envOr("CLICKHOUSE_PASSWORD_FILE", "");
    ASSERT_FALSE(password_file.empty()) << "CLICKHOUSE_PASSWORD_FILE must be set";
    SecurityServer server("login_prod", {{"INFRASAGE_ENV", "production"},
                                         {"CLICKHOUSE_USER", "infrasage"},
                                         {"CLICKHOUSE_PASSWORD_FILE", password_file}});
    server.start();
    const std::string email = "prod-admin@login.example.com";
    server.admin("bootstrap --tenant login-prod --email " + email + " --password-file -",
                 kPassword);
    const auto r = server.login(email, kPassword);
    expectTokenShape(r, 3600);
    EXPECT_EQ(lifetimeOf(r.json()["access_token"]), 3600);
    const auto next = refresh(server, r.json()["refresh_token"]);
    expectTokenShape(next, 3600);
    EXPECT_EQ(server.get("/api/v1/auth/me", bearer(next.json()["access_token"])).status, 200);
}

}  // namespace
}  // namespace infrasage::testing::security
