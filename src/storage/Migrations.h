// storage/Migrations: the ordered list of schema migrations, the single place where the product's
// ClickHouse schema is defined. To change the schema, append a migration with the next version to
// kMigrations in Migrations.cpp; never edit or reorder one that has shipped. Every statement must
// be safe to run twice (CREATE ... IF NOT EXISTS; 18.16 has no ADD COLUMN IF NOT EXISTS, so one
// `ALTER TABLE ... ADD COLUMN` per statement, which SchemaMigrations counts as applied when the
// column exists), because a migration that failed halfway is re-run from its first statement. SQL
// must be accepted by ClickHouse 18.16 and by current releases.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/TelemetryTables.h"

namespace infrasage::storage {

struct Migration {
    uint32_t version;  // strictly increasing, starting at 1
    std::string_view name;
    // The statements for `database`, sent one per request in order.
    std::vector<std::string> (*statements)(std::string_view database);
};

// All migrations, ordered by version.
std::span<const Migration> migrations();

// CREATE TABLE IF NOT EXISTS for one telemetry table (migration 1), exposed for tests.
std::string createTelemetryTableSql(std::string_view database, const TelemetryTableSpec& spec);

}  // namespace infrasage::storage
