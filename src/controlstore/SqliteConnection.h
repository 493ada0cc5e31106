// controlstore/SqliteConnection: one open SQLite database handle (RAII over sqlite3*), with
// extended result codes on. Not thread-safe by itself: SqliteControlStore serialises access.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "controlstore/SqliteStatement.h"

namespace infrasage::controlstore {

class SqliteConnection {
  public:
    // Opens (creating if missing) the database file at `path`.
    explicit SqliteConnection(const std::string& path);
    ~SqliteConnection();
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    // Runs SQL without parameters (DDL, pragmas, transaction control); may hold several statements.
    void exec(std::string_view sql);
    // First column of the first row of a parameterless query (e.g. a pragma's answer); "" if none.
    std::string queryText(std::string_view sql);
    SqliteStatement prepare(std::string_view sql) { return SqliteStatement(db_, sql); }
    // Rows changed by the most recent INSERT/UPDATE/DELETE on this connection.
    int64_t changes() const { return sqlite3_changes64(db_); }

  private:
    sqlite3* db_ = nullptr;
};

}  // namespace infrasage::controlstore
