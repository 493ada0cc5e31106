// Schema migrations against the real test ClickHouse: applied once, recorded, idempotent, and the
// six telemetry tables have the documented shape.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/Migrations.h"
#include "storage/SchemaMigrations.h"
#include "storage/SqlLiteral.h"
#include "storage/Streams.h"
#include "storage/TelemetryTables.h"
#include "support/ClickHouseTestEnv.h"

namespace infrasage::storage {
namespace {

std::string tableColumns(ClickHouseClient& client, const std::string& database,
                         std::string_view table) {
    // One line per column in definition order, joined the way insertColumns() writes them.
    auto names = client.query(SqlBuilder("SELECT arrayStringConcat(groupArray(name), ', ') FROM "
                                         "(SELECT name FROM system.columns WHERE database = ")
                                  .string(database)
                                  .sql(" AND table = ")
                                  .string(table)
                                  .sql(") FORMAT TabSeparated")
                                  .str());
    if (!names.empty() && names.back() == '\n') {
        names.pop_back();
    }
    return names;
}

TEST(StorageMigrations, ApplyOnceThenNoOpAndRecorded) {
    testing::ScratchDatabase db("infrasage_it_storage_migrations");
    SchemaMigrations schema(db.client(), db.name());
    EXPECT_EQ(schema.currentVersion(), 0u);

    const auto first = schema.apply();
    ASSERT_EQ(first.size(), migrations().size());
    EXPECT_EQ(first.front().version, 1u);
    EXPECT_EQ(first.front().name, "telemetry tables");
    EXPECT_EQ(schema.currentVersion(), migrations().back().version);

    EXPECT_TRUE(schema.apply().empty());
    EXPECT_TRUE(SchemaMigrations(db.client(), db.name()).apply().empty());

    const auto recorded = db.client().query(
        "SELECT version, name FROM infrasage_schema_migrations ORDER BY version FORMAT "
        "TabSeparated");
    EXPECT_EQ(recorded.substr(0, recorded.find('\n') + 1), "1\ttelemetry tables\n");
    EXPECT_EQ(db.client().query("SELECT count() FROM infrasage_schema_migrations FORMAT "
                                "TabSeparated"),
              std::to_string(migrations().size()) + "\n");
}

TEST(StorageMigrations, TelemetryTablesHaveTenantFirstSortKeyAndDailyPartitions) {
    testing::ScratchDatabase db("infrasage_it_storage_tables");
    SchemaMigrations(db.client(), db.name()).apply();

    for (const auto& spec : kTelemetryTables) {
        const auto row = db.client().query(
            SqlBuilder("SELECT engine, sorting_key, partition_key FROM system.tables WHERE "
                       "database = ")
                .string(db.name())
                .sql(" AND name = ")
                .string(spec.table)
                .sql(" FORMAT TabSeparated")
                .str());
        const std::string expected_key = spec.has_metric
                                             ? "tenant_id, service_id, metric_name, timestamp"
                                             : "tenant_id, service_id, timestamp";
        EXPECT_EQ(row, "MergeTree\t" + expected_key + "\ttoYYYYMMDD(timestamp)\n") << spec.table;
        // The logs table also has the severity columns of OTLP logs (migration 5, stream 9).
        const std::string expected_columns = spec.type == TelemetryType::Log
                                                 ? std::string(kOtlpLogColumnList)
                                                 : std::string(insertColumns(spec.type));
        EXPECT_EQ(tableColumns(db.client(), db.name(), spec.table), expected_columns) << spec.table;
    }
}

// 18.16 has no ADD COLUMN IF NOT EXISTS: a migration that added a column and stopped before it
// was recorded is re-run, and the existing column counts as added.
TEST(StorageMigrations, ReRunAddColumnMigrationCountsExistingColumnsAsAdded) {
    testing::ScratchDatabase db("infrasage_it_storage_readd");
    SchemaMigrations(db.client(), db.name()).apply();
    // Forget every migration: all are re-run over the existing schema.
    db.client().query("DROP TABLE infrasage_schema_migrations");
    SchemaMigrations again(db.client(), db.name());
    ASSERT_EQ(again.currentVersion(), 0u);
    const auto applied = again.apply();
    ASSERT_EQ(applied.size(), migrations().size());
    EXPECT_EQ(applied.back().name, "log severity");
    EXPECT_EQ(tableColumns(db.client(), db.name(), "infrasage_logs"), kOtlpLogColumnList);
}

std::vector<std::string> brokenSecond(std::string_view database) {
    return {SqlBuilder("CREATE TABLE IF NOT EXISTS ")
                .qualified(database, "it_second")
                .sql(" (x UInt8) ENGINE = MergeTree() ORDER BY x")
                .str(),
            "SELEC this is not SQL"};
}

std::vector<std::string> fixedSecond(std::string_view database) {
    return {SqlBuilder("CREATE TABLE IF NOT EXISTS ")
                .qualified(database, "it_second")
                .sql(" (x UInt8) ENGINE = MergeTree() ORDER BY x")
                .str(),
            "SELECT 1"};
}

TEST(StorageMigrations, FailedMigrationIsNotRecordedAndIsRerunLater) {
    testing::ScratchDatabase db("infrasage_it_storage_partial");
    const std::vector<Migration> broken{migrations().front(), {2, "second", &brokenSecond}};
    const std::vector<Migration> fixed{migrations().front(), {2, "second", &fixedSecond}};

    SchemaMigrations with_broken(db.client(), db.name(), broken);
    try {
        with_broken.apply();
        FAIL() << "a migration with invalid SQL must fail";
    } catch (const ClickHouseError& error) {
        EXPECT_EQ(error.kind(), ClickHouseError::Kind::Server);
        EXPECT_EQ(error.httpStatus(), 400);
    }
    EXPECT_EQ(with_broken.currentVersion(), 1u);  // migration 1 succeeded and was recorded

    SchemaMigrations with_fixed(db.client(), db.name(), fixed);
    const auto applied = with_fixed.apply();  // re-runs the first statement, already applied
    ASSERT_EQ(applied.size(), 1u);
    EXPECT_EQ(applied.front().version, 2u);
    EXPECT_EQ(with_fixed.currentVersion(), 2u);
    EXPECT_EQ(with_fixed.appliedVersions(), (std::vector<uint32_t>{1, 2}));
}

}  // namespace
}  // namespace infrasage::storage
