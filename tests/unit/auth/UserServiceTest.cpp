#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "auth/AuthService.h"
#include "auth/RefreshTokenSecret.h"
#include "auth/UserService.h"
#include "common/ApiError.h"
#include "controlstore/ControlStore.h"
#include "support/ApiErrorCapture.h"
#include "support/TestEnv.h"

namespace infrasage::auth {
namespace {

constexpr int64_t kNow = 1714564800;  // 2024-05-01T12:00:00Z
constexpr int64_t kSecondNs = 1'000'000'000;
const std::string kPassword = "correct horse battery staple";
const std::string kNewPassword = "a different long passphrase";

using testing::Err;
using testing::errorOf;

JwtSettings jwtSettings() {
    JwtSettings s;
    s.secret = "0123456789abcdef0123456789abcdef-user-service";
    return s;
}

UserChange roleChange(std::string role) {
    UserChange change;
    change.role = std::move(role);
    return change;
}

UserChange activeChange(bool active) {
    UserChange change;
    change.active = active;
    return change;
}

UserChange passwordChange(std::string password) {
    UserChange change;
    change.password = std::move(password);
    return change;
}

class UserServiceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        addTenant("acme");
        addTenant("globex");
    }

    void addTenant(const std::string& id) {
        controlstore::Tenant tenant;
        tenant.id = id;
        tenant.name = id;
        tenant.created_at = kNow;
        ASSERT_TRUE(store_->createTenant(tenant));
    }

    void advance(int64_t seconds) { clock_.set(clock_.nowNanos() + seconds * kSecondNs); }

    controlstore::User stored(const std::string& user_id) { return *store_->userById(user_id); }

    std::unique_ptr<controlstore::ControlStore> store_ = controlstore::openSqliteControlStore(
        (infrasage::testing::makeTempDir("user-service") / "control.db").string());
    ManualClock clock_{kNow * kSecondNs};
    PasswordHasher passwords_{PasswordHasher::Cost::minimum()};
    int changes_ = 0;
    UserService users_{*store_, passwords_, clock_, [this] { ++changes_; }};
};

TEST_F(UserServiceTest, CreateNormalisesTheEmailAndHashesThePassword) {
    const auto user =
        users_.create("acme", Role::Admin, "Alice@Example.COM", kPassword, "operator");
    EXPECT_TRUE(user.id.starts_with("usr_")) << user.id;
    EXPECT_EQ(user.email, "alice@example.com");
    EXPECT_EQ(user.tenant_id, "acme");
    EXPECT_EQ(user.role, "operator");
    EXPECT_TRUE(user.active);
    EXPECT_EQ(user.created_at, kNow);
    EXPECT_EQ(user.tokens_valid_after, 0);

    const auto row = stored(user.id);
    EXPECT_EQ(row.email, "alice@example.com");
    EXPECT_NE(row.password_hash, kPassword);
    EXPECT_TRUE(passwords_.verify(row.password_hash, kPassword));
    EXPECT_EQ(users_.byEmail("acme", "ALICE@example.com").id, user.id);
}

TEST_F(UserServiceTest, InvalidEmailsAreRefused) {
    for (const std::string& email : std::vector<std::string>{
             "", "alice", "@example.com", "alice@example", "alice@example.", "alice@@example.com",
             "alice@exa@mple.com", "al ice@example.com", "alice@example.com\n",
             "<alice>@example.com", "\"alice\"@example.com", std::string(250, 'a') + "@b.co"}) {
        EXPECT_EQ(errorOf([&] { users_.create("acme", Role::Admin, email, kPassword, "viewer"); }),
                  Err(400, "invalid_email"))
            << email;
    }
    EXPECT_TRUE(users_.list("acme").empty());
}

TEST(IsValidEmailTest, AcceptsOrdinaryAddresses) {
    EXPECT_TRUE(isValidEmail("a@b.c"));
    EXPECT_TRUE(isValidEmail("first.last+tag@sub.example.co.uk"));
    EXPECT_TRUE(isValidEmail(std::string(248, 'a') + "@b.com"));  // 254 bytes
    EXPECT_FALSE(isValidEmail(std::string(249, 'a') + "@b.com"));
    EXPECT_FALSE(isValidEmail("a.b@c"));  // the dot must be in the domain
}

TEST_F(UserServiceTest, NobodyGrantsARoleAboveTheirOwn) {
    const Err forbidden(403, "forbidden");
    int n = 0;
    const auto create = [&](Role granter, const std::string& role) {
        return errorOf([&] {
            users_.create("acme", granter, "u" + std::to_string(++n) + "@example.com", kPassword,
                          role);
        });
    };
    EXPECT_EQ(create(Role::Admin, "super_admin"), forbidden);
    EXPECT_EQ(create(Role::Operator, "admin"), forbidden);
    EXPECT_EQ(create(Role::Viewer, "operator"), forbidden);
    EXPECT_TRUE(users_.list("acme").empty());

    EXPECT_EQ(create(Role::Admin, "admin"), Err(0, "no error"));
    EXPECT_EQ(create(Role::Admin, "viewer"), Err(0, "no error"));
    EXPECT_EQ(create(Role::SuperAdmin, "super_admin"), Err(0, "no error"));
}

TEST_F(UserServiceTest, SystemAndUnknownRolesAreNeverGranted) {
    const Err invalid(400, "invalid_role");
    for (Role granter : {Role::SuperAdmin, Role::System}) {
        EXPECT_EQ(
            errorOf([&] { users_.create("acme", granter, "s@example.com", kPassword, "system"); }),
            invalid);
    }
    for (const char* role : {"root", "Admin", "", "superadmin"}) {
        EXPECT_EQ(errorOf([&] {
                      users_.create("acme", Role::SuperAdmin, "r@example.com", kPassword, role);
                  }),
                  invalid)
            << role;
    }
    EXPECT_TRUE(users_.list("acme").empty());
}

TEST_F(UserServiceTest, WeakPasswordsDuplicatesUnknownTenantAndQuota) {
    EXPECT_EQ(
        errorOf([&] { users_.create("acme", Role::Admin, "a@example.com", "short", "viewer"); }),
        Err(400, "weak_password"));
    EXPECT_EQ(errorOf([&] {
                  users_.create("initech", Role::Admin, "a@example.com", kPassword, "viewer");
              }),
              Err(404, "not_found"));

    users_.create("acme", Role::Admin, "a@example.com", kPassword, "viewer");
    // Emails are unique across the installation, whatever their case.
    EXPECT_EQ(errorOf([&] {
                  users_.create("globex", Role::Admin, "A@Example.com", kPassword, "viewer");
              }),
              Err(409, "already_exists"));

    auto tenant = *store_->tenant("acme");
    tenant.max_users = 1;
    ASSERT_TRUE(store_->updateTenant(tenant));
    EXPECT_EQ(
        errorOf([&] { users_.create("acme", Role::Admin, "b@example.com", kPassword, "viewer"); }),
        Err(409, "quota_exceeded"));
    EXPECT_EQ(users_.list("acme").size(), 1u);
}

TEST_F(UserServiceTest, UsersOfAnotherTenantAreNotFound) {
    const auto bob = users_.create("globex", Role::Admin, "bob@example.com", kPassword, "viewer");
    EXPECT_EQ(users_.get("globex", bob.id).email, "bob@example.com");
    EXPECT_EQ(errorOf([&] { users_.get("acme", bob.id); }), Err(404, "not_found"));
    EXPECT_EQ(errorOf([&] { users_.byEmail("acme", "bob@example.com"); }), Err(404, "not_found"));
    EXPECT_EQ(
        errorOf([&] { users_.update("acme", Role::SuperAdmin, bob.id, activeChange(false)); }),
        Err(404, "not_found"));
    EXPECT_TRUE(stored(bob.id).active);
    EXPECT_TRUE(users_.list("acme").empty());
    EXPECT_EQ(changes_, 0);
}

TEST_F(UserServiceTest, AnAdminCannotTouchASuperAdminNorPromoteToIt) {
    const auto root =
        users_.create("acme", Role::SuperAdmin, "root@example.com", kPassword, "super_admin");
    const auto carol = users_.create("acme", Role::Admin, "carol@example.com", kPassword, "viewer");

    EXPECT_EQ(errorOf([&] { users_.update("acme", Role::Admin, root.id, activeChange(false)); }),
              Err(403, "forbidden"));
    EXPECT_EQ(
        errorOf([&] { users_.update("acme", Role::Admin, root.id, passwordChange(kNewPassword)); }),
        Err(403, "forbidden"));
    EXPECT_EQ(
        errorOf([&] { users_.update("acme", Role::Admin, carol.id, roleChange("super_admin")); }),
        Err(403, "forbidden"));
    EXPECT_EQ(errorOf([&] { users_.update("acme", Role::Admin, carol.id, roleChange("system")); }),
              Err(400, "invalid_role"));

    EXPECT_TRUE(stored(root.id).active);
    EXPECT_TRUE(passwords_.verify(stored(root.id).password_hash, kPassword));
    EXPECT_EQ(stored(carol.id).role, "viewer");
    EXPECT_EQ(changes_, 0);
}

TEST_F(UserServiceTest, RoleChangeIsStoredWithoutVoidingTokens) {
    const auto carol = users_.create("acme", Role::Admin, "carol@example.com", kPassword, "viewer");
    advance(5);
    const auto updated = users_.update("acme", Role::Admin, carol.id, roleChange("operator"));
    EXPECT_EQ(updated.role, "operator");
    EXPECT_EQ(stored(carol.id).role, "operator");
    // Old tokens are refused as stale by their role claim; tokens_valid_after is for disable and
    // password changes.
    EXPECT_EQ(stored(carol.id).tokens_valid_after, 0);
    EXPECT_EQ(changes_, 1);
}

class UserServiceSessionTest : public UserServiceTest {
  protected:
    std::string login(const std::string& email, const std::string& password) {
        return auth_.login(email, password, "10.0.0.1").refresh_token;
    }
    std::optional<int64_t> refreshRevokedAt(const std::string& refresh_token) {
        return store_->refreshTokenByHash(refreshTokenHash(refresh_token))->revoked_at;
    }

    JwtCodec jwt_{jwtSettings()};
    LoginThrottle throttle_;
    AuthService auth_{*store_, jwt_, passwords_, throttle_, clock_, TokenSettings{}};
};

TEST_F(UserServiceSessionTest, DisablingAUserVoidsItsTokensAndSessions) {
    const auto carol = users_.create("acme", Role::Admin, "carol@example.com", kPassword, "viewer");
    const auto session = login("carol@example.com", kPassword);
    advance(30);

    const auto updated = users_.update("acme", Role::Admin, carol.id, activeChange(false));
    EXPECT_FALSE(updated.active);
    EXPECT_FALSE(stored(carol.id).active);
    EXPECT_EQ(stored(carol.id).tokens_valid_after, kNow + 30);
    EXPECT_EQ(refreshRevokedAt(session), kNow + 30);
    EXPECT_EQ(errorOf([&] { auth_.refresh(session); }), Err(401, "invalid_refresh_token"));
    EXPECT_EQ(changes_, 1);

    // Enabling again does not move tokens_valid_after, and the old session stays dead.
    advance(30);
    users_.update("acme", Role::Admin, carol.id, activeChange(true));
    EXPECT_TRUE(stored(carol.id).active);
    EXPECT_EQ(stored(carol.id).tokens_valid_after, kNow + 30);
    EXPECT_EQ(errorOf([&] { auth_.refresh(session); }), Err(401, "invalid_refresh_token"));
}

TEST_F(UserServiceSessionTest, PasswordChangeVoidsTokensAndSessions) {
    const auto carol = users_.create("acme", Role::Admin, "carol@example.com", kPassword, "viewer");
    const auto session = login("carol@example.com", kPassword);
    advance(30);

    users_.update("acme", Role::Admin, carol.id, passwordChange(kNewPassword));
    const auto row = stored(carol.id);
    EXPECT_TRUE(passwords_.verify(row.password_hash, kNewPassword));
    EXPECT_FALSE(passwords_.verify(row.password_hash, kPassword));
    EXPECT_EQ(row.tokens_valid_after, kNow + 30);
    EXPECT_EQ(refreshRevokedAt(session), kNow + 30);

    EXPECT_EQ(errorOf([&] { login("carol@example.com", kPassword); }),
              Err(401, "invalid_credentials"));
    EXPECT_NO_THROW(login("carol@example.com", kNewPassword));
}

TEST_F(UserServiceSessionTest, ARefusedUpdateChangesNothing) {
    const auto carol = users_.create("acme", Role::Admin, "carol@example.com", kPassword, "viewer");
    const auto session = login("carol@example.com", kPassword);
    UserChange change;
    change.role = "operator";
    change.active = false;
    change.password = "weak";
    EXPECT_EQ(errorOf([&] { users_.update("acme", Role::Admin, carol.id, change); }),
              Err(400, "weak_password"));
    const auto row = stored(carol.id);
    EXPECT_EQ(row.role, "viewer");
    EXPECT_TRUE(row.active);
    EXPECT_EQ(row.tokens_valid_after, 0);
    EXPECT_FALSE(refreshRevokedAt(session));
    EXPECT_EQ(changes_, 0);
}

}  // namespace
}  // namespace infrasage::auth
