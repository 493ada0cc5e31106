#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "common/ApiError.h"
#include "http/Route.h"

namespace infrasage::http {
namespace {

// Makes `req` what httplib hands a handler after matching `pattern` against `path`. In place:
// the matches point into req.path, so the request must not be copied afterwards.
void match(Request& req, const std::string& path, const std::string& pattern) {
    req.path = path;
    ASSERT_TRUE(std::regex_match(req.path, req.matches, std::regex(pattern)));
}

int statusOf(const Request& req, std::size_t n) {
    try {
        pathParam(req, n);
    } catch (const ApiError& e) {
        EXPECT_EQ(e.code(), "not_found");
        return e.httpStatus();
    }
    return 0;
}

TEST(RouteTest, PathParamReturnsTheNthCapture) {
    Request req;
    match(req, "/api/v1/tenants/acme/users/usr_1", "/api/v1/tenants/([^/]+)/users/([^/]+)");
    EXPECT_EQ(pathParam(req, 1), "acme");
    EXPECT_EQ(pathParam(req, 2), "usr_1");
}

TEST(RouteTest, AMissingParamIs404NotACrash) {
    Request req;
    match(req, "/api/v1/apikeys/isage_key_abc", "/api/v1/apikeys/([^/]+)");
    EXPECT_EQ(pathParam(req, 1), "isage_key_abc");
    EXPECT_EQ(statusOf(req, 2), 404);
    EXPECT_EQ(statusOf(req, 100), 404);
    EXPECT_EQ(statusOf(Request{}, 0), 404);  // nothing matched at all
    EXPECT_EQ(statusOf(Request{}, 1), 404);
}

TEST(RouteTest, PoliciesDefaultToDeny) {
    const Route route{"GET", "/x", {}, nullptr};
    EXPECT_EQ(route.policy.kind, AccessPolicy::Kind::Undeclared);
    EXPECT_EQ(route.policy.min_role, auth::Role::System);
    EXPECT_EQ(route.policy.key_scopes, kNoKeys);
}

TEST(RouteTest, PolicyFactories) {
    const auto open = AccessPolicy::open("auth.login");
    EXPECT_EQ(open.kind, AccessPolicy::Kind::Public);
    EXPECT_EQ(open.key_scopes, kNoKeys);
    EXPECT_EQ(open.action, "auth.login");

    const auto users = AccessPolicy::users(auth::Role::Operator, kIngestionKeys | kFullKeys, "y");
    EXPECT_EQ(users.kind, AccessPolicy::Kind::Authenticated);
    EXPECT_EQ(users.min_role, auth::Role::Operator);
    EXPECT_EQ(users.key_scopes, kIngestionKeys | kFullKeys);
    EXPECT_EQ(users.action, "y");
}

}  // namespace
}  // namespace infrasage::http
