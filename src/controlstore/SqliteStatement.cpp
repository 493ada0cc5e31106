#include "controlstore/SqliteStatement.h"

#include <utility>

#include "controlstore/SqliteError.h"

namespace infrasage::controlstore {
namespace {

// SQLITE_TRANSIENT is a C-style cast macro; spelled out here to keep -Wold-style-cast quiet.
// It makes SQLite copy the bound bytes, so bound values need not outlive the bind call.
sqlite3_destructor_type transient() {
    // NOLINTNEXTLINE(performance-no-int-to-ptr): -1 is SQLite's documented sentinel, never called.
    return reinterpret_cast<sqlite3_destructor_type>(static_cast<intptr_t>(-1));
}

}  // namespace

SqliteStatement::SqliteStatement(sqlite3* db, std::string_view sql) : db_(db) {
    int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt_);
        throw SqliteError("prepare", db_, rc);
    }
}

SqliteStatement::~SqliteStatement() {
    sqlite3_finalize(stmt_);
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

void SqliteStatement::bind(int index, std::string_view value) {
    // A non-null pointer even for "": a null pointer would bind SQL NULL.
    const char* data = value.data() != nullptr ? value.data() : "";
    int rc = sqlite3_bind_text64(stmt_, index, data, value.size(), transient(), SQLITE_UTF8);
    if (rc != SQLITE_OK) {
        throw SqliteError("bind", db_, rc);
    }
}

void SqliteStatement::bind(int index, int64_t value) {
    int rc = sqlite3_bind_int64(stmt_, index, value);
    if (rc != SQLITE_OK) {
        throw SqliteError("bind", db_, rc);
    }
}

void SqliteStatement::bind(int index, bool value) {
    bind(index, int64_t{value ? 1 : 0});
}

void SqliteStatement::bind(int index, const std::optional<int64_t>& value) {
    if (value) {
        bind(index, *value);
        return;
    }
    int rc = sqlite3_bind_null(stmt_, index);
    if (rc != SQLITE_OK) {
        throw SqliteError("bind", db_, rc);
    }
}

bool SqliteStatement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    // The statement's text has placeholders, not values, so it is safe to name in the error.
    std::string_view text = sqlite3_sql(stmt_);
    throw SqliteError("running '" + std::string(text.substr(0, 60)) + "...'", db_, rc);
}

void SqliteStatement::run() {
    while (step()) {
    }
}

void SqliteStatement::reset() {
    // sqlite3_reset repeats the last step's error, which run() has already thrown.
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::string SqliteStatement::text(int column) const {
    const unsigned char* data = sqlite3_column_text(stmt_, column);
    if (data == nullptr) {
        return {};
    }
    // Byte count after sqlite3_column_text, as SQLite documents, so it matches the UTF-8 text.
    auto size = static_cast<size_t>(sqlite3_column_bytes(stmt_, column));
    return std::string(reinterpret_cast<const char*>(data), size);
}

int64_t SqliteStatement::int64(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

std::optional<int64_t> SqliteStatement::optionalInt64(int column) const {
    if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) {
        return std::nullopt;
    }
    return sqlite3_column_int64(stmt_, column);
}

}  // namespace infrasage::controlstore
