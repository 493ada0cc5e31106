// controlstore/SqliteError: a failed SQLite call as an exception that keeps the extended result
// code, so callers can tell a uniqueness conflict (an expected outcome) from a real failure.
// Messages carry SQLite's text and the operation, never bound values.
#pragma once

#include <sqlite3.h>

#include <stdexcept>
#include <string>

namespace infrasage::controlstore {

class SqliteError : public std::runtime_error {
  public:
    // `db` may be null (open failed before a handle existed); then only the code is described.
    SqliteError(const std::string& context, sqlite3* db, int code);

    int code() const { return code_; }
    // A UNIQUE or PRIMARY KEY constraint rejected the row.
    bool isUniquenessConflict() const;

  private:
    int code_;
};

}  // namespace infrasage::controlstore
