#include "storage/SchemaMigrations.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "observability/Log.h"
#include "storage/SqlLiteral.h"

namespace infrasage::storage {

namespace {

// One unsigned number per line, as ClickHouse's TabSeparated output writes them.
std::vector<uint32_t> parseVersions(std::string_view tsv) {
    std::vector<uint32_t> versions;
    while (!tsv.empty()) {
        const auto end = tsv.find('\n');
        const auto line = tsv.substr(0, end);
        uint32_t value = 0;
        const auto result = std::from_chars(line.data(), line.data() + line.size(), value);
        if (result.ec != std::errc() || result.ptr != line.data() + line.size()) {
            throw std::runtime_error("unexpected schema version in ClickHouse answer");
        }
        versions.push_back(value);
        if (end == std::string_view::npos) {
            break;
        }
        tsv.remove_prefix(end + 1);
    }
    return versions;
}

// 18.16 has no ADD COLUMN IF NOT EXISTS. An `ALTER TABLE ... ADD COLUMN` (one column per
// statement) that fails because its column exists (Code 44) was applied by an earlier run of a
// migration that stopped halfway.
bool isAddColumn(std::string_view statement) {
    return statement.rfind("ALTER TABLE ", 0) == 0 &&
           statement.find(" ADD COLUMN ") != std::string_view::npos;
}

bool columnAlreadyExists(const ClickHouseError& error) {
    const std::string_view message = error.what();
    return error.kind() == ClickHouseError::Kind::Server &&
           message.find("Code: 44") != std::string_view::npos &&
           message.find("already exists") != std::string_view::npos;
}

}  // namespace

void SchemaMigrations::runStatement(const std::string& statement) {
    try {
        client_.queryWithoutDatabase(statement);
    } catch (const ClickHouseError& error) {
        if (!isAddColumn(statement) || !columnAlreadyExists(error)) {
            throw;
        }
    }
}

SchemaMigrations::SchemaMigrations(ClickHouseClient& client, std::string database,
                                   std::span<const Migration> list)
    : client_(client), database_(std::move(database)), list_(list) {
    quoteIdentifier(database_);  // reject a bad name before anything is sent
    uint32_t previous = 0;
    for (const auto& migration : list_) {
        if (migration.version <= previous) {
            throw std::invalid_argument("schema migrations must have strictly increasing versions");
        }
        previous = migration.version;
    }
}

std::vector<AppliedMigration> SchemaMigrations::apply() {
    client_.queryWithoutDatabase(
        SqlBuilder("CREATE DATABASE IF NOT EXISTS ").identifier(database_).str());
    client_.queryWithoutDatabase(SqlBuilder("CREATE TABLE IF NOT EXISTS ")
                                     .qualified(database_, kTable)
                                     .sql(" (version UInt32, name String, applied_at DateTime) "
                                          "ENGINE = MergeTree() ORDER BY version")
                                     .str());

    const auto done = appliedVersions();
    std::vector<AppliedMigration> applied;
    for (const auto& migration : list_) {
        if (std::binary_search(done.begin(), done.end(), migration.version)) {
            continue;
        }
        for (const auto& statement : migration.statements(database_)) {
            runStatement(statement);
        }
        client_.queryWithoutDatabase(SqlBuilder("INSERT INTO ")
                                         .qualified(database_, kTable)
                                         .sql(" (version, name, applied_at) VALUES (")
                                         .unsignedInteger(migration.version)
                                         .sql(", ")
                                         .string(migration.name)
                                         .sql(", now())")
                                         .str());
        observability::logInfo(
            "applied schema migration",
            {{"database", database_}, {"version", migration.version}, {"name", migration.name}});
        applied.push_back({migration.version, std::string(migration.name)});
    }
    return applied;
}

uint32_t SchemaMigrations::currentVersion() {
    const auto versions = appliedVersions();
    return versions.empty() ? 0 : versions.back();
}

std::vector<uint32_t> SchemaMigrations::appliedVersions() {
    if (!migrationsTableExists()) {
        return {};
    }
    return parseVersions(
        client_.queryWithoutDatabase(SqlBuilder("SELECT DISTINCT version FROM ")
                                         .qualified(database_, kTable)
                                         .sql(" ORDER BY version FORMAT TabSeparated")
                                         .str()));
}

bool SchemaMigrations::migrationsTableExists() {
    const auto answer = client_.queryWithoutDatabase(
        SqlBuilder("SELECT count() FROM system.tables WHERE database = ")
            .string(database_)
            .sql(" AND name = ")
            .string(kTable)
            .sql(" FORMAT TabSeparated")
            .str());
    return answer.substr(0, 1) != "0";
}

}  // namespace infrasage::storage
