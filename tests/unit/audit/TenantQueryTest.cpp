#include <gtest/gtest.h>

#include "auth/Principal.h"
#include "storage/TenantQuery.h"

namespace infrasage::storage {
namespace {

auth::Principal principal(const std::string& tenant, const std::string& role) {
    auth::Principal p;  // fields set by name: the struct grows as auth evolves
    p.tenant_id = tenant;
    p.actor = "someone@" + tenant;
    p.role = role;
    return p;
}

tenancy::TenantScope tenantScope(const std::string& tenant) {
    return tenancy::TenantScope::of(principal(tenant, "admin"));
}

tenancy::TenantScope everyTenant() {
    return tenancy::TenantScope::allTenantsFor(principal("ops", "super_admin"));
}

TEST(TenantQueryTest, TheTenantConditionComesFirstInEveryQuery) {
    const auto scope = tenantScope("acme-corp");
    EXPECT_EQ(TenantQuery(scope, "infrasage", "infrasage_audit_log").select("actor").str(),
              "SELECT actor FROM `infrasage`.`infrasage_audit_log` WHERE (tenant_id = "
              "'acme-corp')");
    EXPECT_EQ(TenantQuery(scope, "db", "t")
                  .select("a, b")
                  .whereEquals("actor", "bob")
                  .whereEquals("seq", uint64_t{7})
                  .whereSince("timestamp", 100)
                  .whereUntil("timestamp", 200)
                  .orderBy("timestamp DESC")
                  .limit(10)
                  .format("RowBinary")
                  .str(),
              "SELECT a, b FROM `db`.`t` WHERE (tenant_id = 'acme-corp') AND (actor = 'bob') AND "
              "(seq = 7) AND (timestamp >= toDateTime(100)) AND (timestamp < toDateTime(200)) "
              "ORDER BY timestamp DESC LIMIT 10 FORMAT RowBinary");
}

TEST(TenantQueryTest, AnAllTenantsScopeHasNoTenantCondition) {
    EXPECT_EQ(TenantQuery(everyTenant(), "db", "t").select("a").whereEquals("actor", "x").str(),
              "SELECT a FROM `db`.`t` WHERE (actor = 'x')");
    EXPECT_EQ(TenantQuery(everyTenant(), "db", "t").select("a").str(), "SELECT a FROM `db`.`t`");
}

TEST(TenantQueryTest, HostileValuesStayLiterals) {
    const auto scope = tenantScope("acme' OR '1'='1");
    const std::string sql = TenantQuery(scope, "db", "t")
                                .select("a")
                                .whereEquals("actor", "x' OR tenant_id != '")
                                .whereEquals("action", "\\' OR 1=1 --\n")
                                .str();
    EXPECT_EQ(sql,
              "SELECT a FROM `db`.`t` WHERE (tenant_id = 'acme\\' OR \\'1\\'=\\'1') AND (actor = "
              "'x\\' OR tenant_id != \\'') AND (action = '\\\\\\' OR 1=1 --\\n')");
}

// An OR inside a custom condition cannot widen the query past the tenant condition.
TEST(TenantQueryTest, CustomConditionsAreParenthesised) {
    const std::string sql = TenantQuery(tenantScope("a"), "db", "t")
                                .select("x")
                                .where(SqlBuilder("seq > 1 OR seq = ").integer(0))
                                .str();
    EXPECT_EQ(sql, "SELECT x FROM `db`.`t` WHERE (tenant_id = 'a') AND (seq > 1 OR seq = 0)");
}

TEST(TenantQueryTest, TimesAreClampedToDateTime) {
    const std::string sql = TenantQuery(tenantScope("a"), "db", "t")
                                .select("x")
                                .whereSince("timestamp", -5)
                                .whereUntil("timestamp", int64_t{1} << 40)
                                .str();
    EXPECT_NE(sql.find("timestamp >= toDateTime(0)"), std::string::npos) << sql;
    EXPECT_NE(sql.find("timestamp < toDateTime(4294967295)"), std::string::npos) << sql;
}

TEST(TenantQueryTest, BadIdentifiersAndKeywordsAreRefused) {
    EXPECT_THROW(TenantQuery(tenantScope("a"), "db`; DROP", "t"), std::invalid_argument);
    EXPECT_THROW(TenantQuery(tenantScope("a"), "db", "t").format("JSON; DROP"),
                 std::invalid_argument);
    EXPECT_THROW(static_cast<void>(TenantQuery(tenantScope("a"), "db", "t").str()),
                 std::logic_error);
}

}  // namespace
}  // namespace infrasage::storage
