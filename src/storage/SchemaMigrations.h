// storage/SchemaMigrations: brings a ClickHouse database up to the schema in storage/Migrations.
// Creates the database and the infrasage_schema_migrations table, applies every migration whose
// version is not recorded there, in order, and records each one after all its statements succeed.
// Safe to run from several gateways at once: statements are idempotent and a doubly recorded
// version reads as one.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "storage/ClickHouseClient.h"
#include "storage/Migrations.h"

namespace infrasage::storage {

struct AppliedMigration {
    uint32_t version;
    std::string name;
};

class SchemaMigrations {
  public:
    static constexpr std::string_view kTable = "infrasage_schema_migrations";

    // `list` must be ordered by strictly increasing version (std::invalid_argument otherwise).
    SchemaMigrations(ClickHouseClient& client, std::string database,
                     std::span<const Migration> list = migrations());

    // Applies what is missing; returns the migrations applied by this call (empty when current).
    // Throws ClickHouseError when a statement fails; the failed migration stays unrecorded.
    std::vector<AppliedMigration> apply();

    // Highest recorded version; 0 when none is recorded or the table does not exist yet.
    uint32_t currentVersion();

    // Recorded versions, ascending, without duplicates.
    std::vector<uint32_t> appliedVersions();

  private:
    bool migrationsTableExists();
    // One statement; an ADD COLUMN whose column exists counts as applied (see the .cpp).
    void runStatement(const std::string& statement);

    ClickHouseClient& client_;
    std::string database_;
    std::span<const Migration> list_;
};

}  // namespace infrasage::storage
