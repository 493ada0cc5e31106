// controlstore/SqliteStatement: one prepared statement (RAII over sqlite3_stmt). Values are only
// ever bound as parameters, never spliced into SQL text. Not thread-safe: used under the owning
// connection's lock and finalized before the lock is released.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace infrasage::controlstore {

class SqliteStatement {
  public:
    SqliteStatement(sqlite3* db, std::string_view sql);
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;
    SqliteStatement(SqliteStatement&& other) noexcept;
    SqliteStatement& operator=(SqliteStatement&&) = delete;

    // Parameters are 1-based, as in SQLite. Text is copied, so temporaries are safe to bind.
    void bind(int index, std::string_view value);
    void bind(int index, int64_t value);
    void bind(int index, bool value);
    void bind(int index, const std::optional<int64_t>& value);
    void bind(int index, const char* value) { bind(index, std::string_view(value)); }
    void bind(int index, const std::string& value) { bind(index, std::string_view(value)); }

    // Binds `values` to parameters 1..n in order.
    template <typename... Values>
    SqliteStatement& bindAll(const Values&... values) {
        int index = 0;
        (bind(++index, values), ...);
        return *this;
    }

    // Advances to the next row: true when a row is available, false when done.
    bool step();
    // Runs a statement that returns no rows (INSERT/UPDATE/DELETE).
    void run();
    // Makes the statement ready to run again with fresh bindings.
    void reset();

    std::string text(int column) const;  // NULL reads as ""
    int64_t int64(int column) const;
    bool boolean(int column) const { return int64(column) != 0; }
    std::optional<int64_t> optionalInt64(int column) const;

  private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace infrasage::controlstore
