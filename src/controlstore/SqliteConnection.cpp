#include "controlstore/SqliteConnection.h"

#include "controlstore/SqliteError.h"

namespace infrasage::controlstore {

SqliteConnection::SqliteConnection(const std::string& path) {
    // NOMUTEX: SQLite's own per-call locking would be redundant under the store's mutex.
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        SqliteError error("open " + path, db_, rc);
        sqlite3_close(db_);
        throw error;
    }
    sqlite3_extended_result_codes(db_, 1);
}

SqliteConnection::~SqliteConnection() {
    // Every statement is finalized before its function returns, so close cannot fail as busy.
    sqlite3_close(db_);
}

void SqliteConnection::exec(std::string_view sql) {
    std::string text(sql);
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        throw SqliteError("exec", db_, rc);
    }
}

std::string SqliteConnection::queryText(std::string_view sql) {
    SqliteStatement statement = prepare(sql);
    return statement.step() ? statement.text(0) : std::string();
}

}  // namespace infrasage::controlstore
