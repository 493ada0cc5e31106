// The service graph statement: a self-join of the spans table in which BOTH sides carry the
// caller's tenant condition (storage/TenantJoinQuery), with the shape ClickHouse 18.16 accepts.
#include <gtest/gtest.h>

#include "auth/Principal.h"
#include "storage/ClickHouseClient.h"
#include "storage/ServiceGraphQuery.h"
#include "storage/TenantJoinQuery.h"

namespace infrasage::storage {
namespace {

tenancy::TenantScope tenant(const std::string& id) {
    auth::Principal p;
    p.tenant_id = id;
    return tenancy::TenantScope::of(p);
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
    std::size_t count = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
        ++count;
    }
    return count;
}

TEST(ServiceGraphQuery, BothSidesOfTheJoinAreScopedToTheTenant) {
    ClickHouseClient client(ClickHouseOptions{});
    const auto sql = ServiceGraphQuery(client, "db").sql(tenant("acme'x"), 7200, 10800);
    EXPECT_EQ(sql,
              "SELECT parent_service, service_id, count() AS calls, "
              "toUInt64(countIf(status_code = 'error')) AS errors FROM (SELECT tenant_id, "
              "trace_id, parent_span_id, service_id, status_code FROM `db`.`infrasage_spans` "
              "WHERE (tenant_id = 'acme\\'x') AND (start_time >= toDateTime(7200)) AND "
              "(start_time < toDateTime(10800)) AND (parent_span_id != '')) ALL INNER JOIN "
              "(SELECT tenant_id, trace_id, span_id AS parent_span_id, any(service_id) AS "
              "parent_service FROM `db`.`infrasage_spans` WHERE (tenant_id = 'acme\\'x') AND "
              "(start_time >= toDateTime(3600)) AND (start_time < toDateTime(10800)) GROUP BY "
              "tenant_id, trace_id, span_id) USING "
              "(tenant_id, trace_id, parent_span_id) WHERE (parent_service != service_id) GROUP "
              "BY parent_service, service_id ORDER BY calls DESC, parent_service, service_id "
              "LIMIT 10001 FORMAT RowBinary");
    EXPECT_EQ(occurrences(sql, "tenant_id = 'acme\\'x'"), 2u);
}

TEST(TenantJoinQuery, RefusesAStatementWithoutColumnsOrJoinKeys) {
    TenantJoinQuery query(tenant("t"), "db", "a", "b");
    query.left().select("x");
    query.right().select("x");
    EXPECT_THROW((void)query.str(), std::logic_error);
    query.select("x");
    EXPECT_THROW((void)query.str(), std::logic_error);
    query.joinUsing("x");
    EXPECT_EQ(query.str(),
              "SELECT x FROM (SELECT x FROM `db`.`a` WHERE (tenant_id = 't')) ALL INNER JOIN "
              "(SELECT x FROM `db`.`b` WHERE (tenant_id = 't')) USING (x)");
}

}  // namespace
}  // namespace infrasage::storage
