// Test support: connection settings for the test ClickHouse instance, read from the variables that
// `CLICKHOUSE_INSTANCE=test scripts/clickhouse.sh env` exports. Missing variables are an error, not
// a reason to skip: a storage test that silently does not run proves nothing.
#pragma once

#include <exception>
#include <string>

#include "storage/ClickHouseClient.h"
#include "storage/SqlLiteral.h"

namespace infrasage::testing {

// Plain HTTP options (CLICKHOUSE_URL, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD_FILE) with `database`
// as the current database. Throws std::runtime_error naming what is missing and how to set it.
storage::ClickHouseOptions clickHouseOptions(const std::string& database);

// HTTPS options (CLICKHOUSE_HTTPS_URL, CLICKHOUSE_TLS_CA_CERT, plus user and password).
storage::ClickHouseOptions clickHouseTlsOptions(const std::string& database);

// A test's own database on the test instance: dropped on construction (leftovers of an aborted
// run) and on destruction. Header-only so that binaries which never use it need not link storage.
class ScratchDatabase {
  public:
    explicit ScratchDatabase(const std::string& name)
        : options_(clickHouseOptions(name)), client_(options_) {
        drop();
    }
    ~ScratchDatabase() {
        try {
            drop();
        } catch (const std::exception&) {
            // The next run drops it on construction.
        }
    }
    ScratchDatabase(const ScratchDatabase&) = delete;
    ScratchDatabase& operator=(const ScratchDatabase&) = delete;

    const std::string& name() const { return options_.database; }
    const storage::ClickHouseOptions& options() const { return options_; }
    // A client whose current database is this one (create it first, e.g. by SchemaMigrations).
    storage::ClickHouseClient& client() { return client_; }

  private:
    void drop() {
        client_.queryWithoutDatabase(
            storage::SqlBuilder("DROP DATABASE IF EXISTS ").identifier(options_.database).str());
    }

    storage::ClickHouseOptions options_;
    storage::ClickHouseClient client_;
};

}  // namespace infrasage::testing
