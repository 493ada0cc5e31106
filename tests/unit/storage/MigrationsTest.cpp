#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "storage/ClickHouseClient.h"
#include "storage/Migrations.h"
#include "storage/SchemaMigrations.h"
#include "storage/TelemetryTables.h"

namespace infrasage::storage {
namespace {

// Column names of a CREATE TABLE, in order, from the text between the first '(' and ") ENGINE".
std::vector<std::string> columnNames(const std::string& ddl) {
    const auto open = ddl.find('(');
    const auto close = ddl.find(") ENGINE");
    std::vector<std::string> names;
    std::string columns = ddl.substr(open + 1, close - open - 1);
    std::size_t pos = 0;
    while (pos < columns.size()) {
        auto comma = columns.find(", ", pos);
        // Array(String) has no comma inside, so ", " separates columns.
        const auto column = columns.substr(pos, comma - pos);
        names.push_back(column.substr(0, column.find(' ')));
        if (comma == std::string::npos) {
            break;
        }
        pos = comma + 2;
    }
    return names;
}

std::vector<std::string> splitColumns(std::string_view list) {
    std::vector<std::string> names;
    while (true) {
        const auto comma = list.find(", ");
        names.emplace_back(list.substr(0, comma));
        if (comma == std::string_view::npos) {
            return names;
        }
        list.remove_prefix(comma + 2);
    }
}

TEST(Migrations, VersionsStartAtOneAndIncrease) {
    const auto list = migrations();
    ASSERT_FALSE(list.empty());
    EXPECT_EQ(list.front().version, 1u);
    for (std::size_t i = 1; i < list.size(); ++i) {
        EXPECT_GT(list[i].version, list[i - 1].version);
    }
    for (const auto& migration : list) {
        EXPECT_FALSE(migration.name.empty());
        EXPECT_FALSE(migration.statements("db").empty());
    }
}

TEST(Migrations, FirstMigrationCreatesTheSixTelemetryTables) {
    const auto statements = migrations().front().statements("infrasage");
    ASSERT_EQ(statements.size(), kTelemetryTypeCount);
    for (std::size_t i = 0; i < kTelemetryTypeCount; ++i) {
        const std::string prefix = "CREATE TABLE IF NOT EXISTS `infrasage`.`" +
                                   std::string(kTelemetryTables[i].table) + "` (";
        EXPECT_EQ(statements[i].rfind(prefix, 0), 0u) << statements[i];
    }
}

TEST(Migrations, TelemetryTableDdlHasTenantFirstDailyPartitionsAndNoTtl) {
    for (const auto& spec : kTelemetryTables) {
        const auto ddl = createTelemetryTableSql("db", spec);
        EXPECT_NE(ddl.find("ENGINE = MergeTree() PARTITION BY toYYYYMMDD(timestamp) ORDER BY "
                           "(tenant_id, service_id, "),
                  std::string::npos)
            << ddl;
        EXPECT_EQ(ddl.find("metric_name, timestamp)") != std::string::npos, spec.has_metric) << ddl;
        // Syntax that ClickHouse 18.16 lacks or gates behind a setting.
        EXPECT_EQ(ddl.find("TTL"), std::string::npos);
        EXPECT_EQ(ddl.find("LowCardinality"), std::string::npos);
        EXPECT_EQ(ddl.find("DateTime64"), std::string::npos);
        EXPECT_EQ(ddl.find("Map("), std::string::npos);
    }
}

TEST(Migrations, TelemetryTableColumnsMatchTheRowBinaryInsertOrder) {
    for (const auto& spec : kTelemetryTables) {
        const auto ddl = createTelemetryTableSql("db", spec);
        EXPECT_EQ(columnNames(ddl), splitColumns(insertColumns(spec.type))) << ddl;
        EXPECT_EQ(ddl.find("metric_name String, value Float64") != std::string::npos,
                  spec.has_metric);
        EXPECT_EQ(ddl.find("body String") != std::string::npos, spec.has_body);
    }
}

TEST(Migrations, RejectsADatabaseNameThatCouldBreakOutOfItsQuotes) {
    EXPECT_THROW(createTelemetryTableSql("db`; DROP TABLE x; --", kTelemetryTables[0]),
                 std::invalid_argument);
}

std::vector<std::string> noStatements(std::string_view) {
    return {"SELECT 1"};
}

TEST(SchemaMigrations, RejectsAListThatIsNotStrictlyIncreasing) {
    ClickHouseClient client(ClickHouseOptions{});  // never contacted
    const std::vector<Migration> repeated{{1, "a", &noStatements}, {1, "b", &noStatements}};
    EXPECT_THROW(SchemaMigrations(client, "db", repeated), std::invalid_argument);
    const std::vector<Migration> zero{{0, "a", &noStatements}};
    EXPECT_THROW(SchemaMigrations(client, "db", zero), std::invalid_argument);
    const std::vector<Migration> ordered{{1, "a", &noStatements}, {3, "b", &noStatements}};
    EXPECT_NO_THROW(SchemaMigrations(client, "db", ordered));
    EXPECT_THROW(SchemaMigrations(client, "bad`name", ordered), std::invalid_argument);
}

}  // namespace
}  // namespace infrasage::storage
