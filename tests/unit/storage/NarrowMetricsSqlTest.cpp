// Queries that read metrics in both forms (wide rows and narrow samples + series): TenantQuery's
// IN subqueries and UNION ALL keep the tenant condition on every table they read, and refuse to
// mix tenants; the series and services statements built on them (the real server runs them in
// tests/integration/narrow_metrics_read_test.cpp).
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "auth/Principal.h"
#include "storage/ClickHouseClient.h"
#include "storage/MetricSeriesQuery.h"
#include "storage/ServiceCatalog.h"
#include "storage/TenantQuery.h"

namespace infrasage::storage {
namespace {

tenancy::TenantScope tenant(const std::string& id) {
    auth::Principal p;
    p.tenant_id = id;
    p.role = "viewer";
    return tenancy::TenantScope::of(p);
}

size_t occurrences(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

TEST(TenantQueryComposition, InSubqueryCarriesItsOwnTenantCondition) {
    TenantQuery series(tenant("acme"), "db", "series");
    series.select("series_id").whereEquals("metric_name", "cpu");
    EXPECT_EQ(TenantQuery(tenant("acme"), "db", "samples")
                  .select("value")
                  .whereIn("series_id", series)
                  .str(),
              "SELECT value FROM `db`.`samples` WHERE (tenant_id = 'acme') AND (series_id IN "
              "(SELECT series_id FROM `db`.`series` WHERE (tenant_id = 'acme') AND "
              "(metric_name = 'cpu')))");
}

TEST(TenantQueryComposition, UnionAllReadsPartsThatEachCarryTheTenantCondition) {
    std::vector<TenantQuery> parts;
    parts.push_back(TenantQuery(tenant("acme"), "db", "a").select("x"));
    parts.push_back(TenantQuery(tenant("acme"), "db", "b").select("x"));
    auto query = TenantQuery::unionAll(tenant("acme"), std::move(parts));
    EXPECT_EQ(query.select("x").groupBy("x").orderBy("x").limit(5).format("RowBinary").str(),
              "SELECT x FROM (SELECT x FROM `db`.`a` WHERE (tenant_id = 'acme') UNION ALL "
              "SELECT x FROM `db`.`b` WHERE (tenant_id = 'acme')) GROUP BY x ORDER BY x LIMIT 5 "
              "FORMAT RowBinary");
}

TEST(TenantQueryComposition, AnotherTenantsQueryCannotBeNested) {
    TenantQuery other(tenant("globex"), "db", "series");
    other.select("series_id");
    TenantQuery own(tenant("acme"), "db", "samples");
    EXPECT_THROW(own.whereIn("series_id", other), std::logic_error);

    std::vector<TenantQuery> parts;
    parts.push_back(TenantQuery(tenant("acme"), "db", "a").select("x"));
    parts.push_back(TenantQuery(tenant("globex"), "db", "b").select("x"));
    EXPECT_THROW(TenantQuery::unionAll(tenant("acme"), std::move(parts)), std::logic_error);
    EXPECT_THROW(TenantQuery::unionAll(tenant("acme"), {}), std::logic_error);
}

TEST(TenantQueryComposition, NestedQueriesHaveNoFormat) {
    TenantQuery formatted(tenant("acme"), "db", "series");
    formatted.select("series_id").format("RowBinary");
    TenantQuery own(tenant("acme"), "db", "samples");
    EXPECT_THROW(own.whereIn("series_id", formatted), std::logic_error);
}

TEST(TenantQueryComposition, HostileValuesInsideASubqueryStayLiterals) {
    TenantQuery series(tenant("acme"), "db", "series");
    series.select("series_id").whereEquals("metric_name", "x') OR 1=1 --");
    const auto sql =
        TenantQuery(tenant("acme"), "db", "samples").select("v").whereIn("series_id", series).str();
    EXPECT_NE(sql.find("(metric_name = 'x\\') OR 1=1 --')"), std::string::npos) << sql;
}

class NarrowStatementsTest : public ::testing::Test {
  protected:
    NarrowStatementsTest() { options_.database = "infra"; }
    ClickHouseOptions options_;
    ClickHouseClient client_{options_};  // never contacted here
};

TEST_F(NarrowStatementsTest, SeriesSumsBothFormsPerBucketWithTheTenantOnEveryTable) {
    SeriesRequest request{"checkout", "latency_ms", 1700000000, 1700003600, 60};
    const auto sql = MetricSeriesQuery(client_, "infra").querySql(tenant("acme"), request);
    EXPECT_EQ(occurrences(sql, "(tenant_id = 'acme')"), 3u) << sql;  // metrics, samples, series
    EXPECT_NE(sql.find("FROM `infra`.`infrasage_metrics` WHERE (tenant_id = 'acme') AND "
                       "(service_id = 'checkout') AND (metric_name = 'latency_ms')"),
              std::string::npos)
        << sql;
    EXPECT_NE(sql.find("FROM `infra`.`infrasage_samples` WHERE (tenant_id = 'acme') AND "
                       "(series_id IN (SELECT series_id FROM `infra`.`infrasage_series` WHERE "
                       "(tenant_id = 'acme') AND (service_id = 'checkout') AND "
                       "(metric_name = 'latency_ms'))) AND (timestamp >= toDateTime(1700000000)) "
                       "AND (timestamp < toDateTime(1700003600))"),
              std::string::npos)
        << sql;
    EXPECT_NE(sql.find("SELECT bucket, sum(s) / sum(c) AS avg_value, sum(c) AS points FROM ("),
              std::string::npos)
        << sql;
    EXPECT_NE(sql.find(" GROUP BY bucket ORDER BY bucket FORMAT RowBinary"), std::string::npos);
}

TEST_F(NarrowStatementsTest, SeriesRefusesANonPositiveStep) {
    SeriesRequest request{"checkout", "latency_ms", 0, 60, 0};
    EXPECT_THROW(MetricSeriesQuery(client_, "infra").querySql(tenant("acme"), request),
                 std::invalid_argument);
}

TEST_F(NarrowStatementsTest, ServicesComeFromBothFormsWithTheTenantOnEveryTable) {
    const auto sql = ServiceCatalog(client_, "infra").servicesSql(tenant("acme"), 1700000000);
    EXPECT_EQ(occurrences(sql, "(tenant_id = 'acme')"), 3u) << sql;
    EXPECT_NE(sql.find("FROM `infra`.`infrasage_series` WHERE (tenant_id = 'acme') AND "
                       "(series_id IN (SELECT series_id FROM `infra`.`infrasage_samples` WHERE "
                       "(tenant_id = 'acme') AND (timestamp >= toDateTime(1700000000))))"),
              std::string::npos)
        << sql;
    EXPECT_NE(sql.find("GROUP BY service_id ORDER BY service_id LIMIT 10001 FORMAT RowBinary"),
              std::string::npos)
        << sql;
}

}  // namespace
}  // namespace infrasage::storage
