#include "controlstore/SqliteError.h"

namespace infrasage::controlstore {
namespace {

std::string describe(const std::string& context, sqlite3* db, int code) {
    // sqlite3_errmsg describes the most recent failure on this handle; callers hold the
    // connection's mutex, so it is the failure being reported.
    const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    return "control store: " + context + ": " + message + " (code " + std::to_string(code) + ")";
}

}  // namespace

SqliteError::SqliteError(const std::string& context, sqlite3* db, int code)
    : std::runtime_error(describe(context, db, code)), code_(code) {}

bool SqliteError::isUniquenessConflict() const {
    return code_ == SQLITE_CONSTRAINT_UNIQUE || code_ == SQLITE_CONSTRAINT_PRIMARYKEY;
}

}  // namespace infrasage::controlstore
