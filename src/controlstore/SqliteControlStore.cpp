#include "controlstore/SqliteControlStore.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "controlstore/ControlStoreMigrations.h"
#include "controlstore/SqliteError.h"
#include "controlstore/SqliteTransaction.h"

// All SQL below is constant text; every value travels as a bound parameter.
// Where PostgreSQL must differ: BEGIN IMMEDIATE (SqliteTransaction) becomes a plain BEGIN, since
// the conditional UPDATEs that open each rotation take row locks and re-check their WHERE clause
// there; the pragmas have no counterpart; parameters are written $1..$n instead of ?.

namespace infrasage::controlstore {
namespace {

// Lets the CLI and a running server wait for each other's write transactions instead of failing.
constexpr int kBusyTimeoutMs = 5000;

constexpr std::string_view kTenantColumns =
    "id, name, plan, rps_quota, events_per_month, max_api_keys, max_users, active, created_at";
constexpr std::string_view kUserColumns =
    "id, tenant_id, email, password_hash, role, active, created_at, tokens_valid_after";
constexpr std::string_view kApiKeyColumns =
    "id, tenant_id, name, scope, prefix, hash, rate_limit_rps, expires_at, created_at, "
    "created_by, last_used_at, revoked_at, rotated_from";
constexpr std::string_view kRefreshTokenColumns =
    "id, family_id, user_id, tenant_id, hash, issued_at, expires_at, used_at, revoked_at";

std::string sql(std::string_view head, std::string_view columns, std::string_view tail) {
    std::string text;
    text.append(head).append(columns).append(tail);
    return text;
}

// Creates the parent directories and the file itself (owner-only: it holds credential hashes;
// SQLite gives its -wal and -shm files the same mode). Returns `path` for the member initialiser.
const std::string& prepareFile(const std::string& path) {
    std::filesystem::path file(path);
    if (file.has_parent_path()) {
        std::filesystem::create_directories(file.parent_path());
    }
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::close(fd);
    } else if (errno != EEXIST) {
        throw std::runtime_error("control store: cannot create " + path + ": " +
                                 std::strerror(errno));
    }
    return path;
}

int64_t unixSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Tenant readTenant(const SqliteStatement& row) {
    Tenant tenant;
    tenant.id = row.text(0);
    tenant.name = row.text(1);
    tenant.plan = row.text(2);
    tenant.rps_quota = row.int64(3);
    tenant.events_per_month = row.int64(4);
    tenant.max_api_keys = row.int64(5);
    tenant.max_users = row.int64(6);
    tenant.active = row.boolean(7);
    tenant.created_at = row.int64(8);
    return tenant;
}

User readUser(const SqliteStatement& row) {
    User user;
    user.id = row.text(0);
    user.tenant_id = row.text(1);
    user.email = row.text(2);
    user.password_hash = row.text(3);
    user.role = row.text(4);
    user.active = row.boolean(5);
    user.created_at = row.int64(6);
    user.tokens_valid_after = row.int64(7);
    return user;
}

ApiKey readApiKey(const SqliteStatement& row) {
    ApiKey key;
    key.id = row.text(0);
    key.tenant_id = row.text(1);
    key.name = row.text(2);
    key.scope = row.text(3);
    key.prefix = row.text(4);
    key.hash = row.text(5);
    key.rate_limit_rps = row.int64(6);
    key.expires_at = row.optionalInt64(7);
    key.created_at = row.int64(8);
    key.created_by = row.text(9);
    key.last_used_at = row.optionalInt64(10);
    key.revoked_at = row.optionalInt64(11);
    key.rotated_from = row.text(12);
    return key;
}

RefreshToken readRefreshToken(const SqliteStatement& row) {
    RefreshToken token;
    token.id = row.text(0);
    token.family_id = row.text(1);
    token.user_id = row.text(2);
    token.tenant_id = row.text(3);
    token.hash = row.text(4);
    token.issued_at = row.int64(5);
    token.expires_at = row.int64(6);
    token.used_at = row.optionalInt64(7);
    token.revoked_at = row.optionalInt64(8);
    return token;
}

// The single row a prepared, bound query yields, if any.
template <typename Row, typename Reader>
std::optional<Row> optionalRow(SqliteStatement& statement, Reader read) {
    if (!statement.step()) {
        return std::nullopt;
    }
    return read(statement);
}

template <typename Row, typename Reader>
std::vector<Row> allRows(SqliteStatement& statement, Reader read) {
    std::vector<Row> rows;
    while (statement.step()) {
        rows.push_back(read(statement));
    }
    return rows;
}

}  // namespace

SqliteControlStore::SqliteControlStore(const std::string& path) : connection_(prepareFile(path)) {
    connection_.exec("PRAGMA busy_timeout = " + std::to_string(kBusyTimeoutMs));
    // WAL: readers never block the writer nor each other, and the CLI can write while the
    // server reads. Refuse to run without it (e.g. a file system without shared memory).
    std::string mode = connection_.queryText("PRAGMA journal_mode = WAL");
    if (mode != "wal") {
        throw std::runtime_error("control store: " + path + " cannot use WAL journal mode (got '" +
                                 mode + "')");
    }
    // FULL rather than NORMAL: under NORMAL a WAL-mode database stays consistent on power loss
    // but may lose the last commits, and here a lost commit is a security regression — a revoked
    // key or a rotated (used) refresh token would come back valid. Writes are rare (logins,
    // rotations, key management, periodic last_used_at batches), so the extra fsync is cheap.
    connection_.exec("PRAGMA synchronous = FULL");
    connection_.exec("PRAGMA foreign_keys = ON");
}

int SqliteControlStore::schemaVersion() {
    SqliteStatement statement =
        connection_.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    statement.step();
    return static_cast<int>(statement.int64(0));
}

int SqliteControlStore::migrate() {
    std::lock_guard lock(mutex_);
    connection_.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, "
        "name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
    const auto& migrations = controlStoreMigrations();
    int known = migrations.empty() ? 0 : migrations.back().version;
    if (int found = schemaVersion(); found > known) {
        throw std::runtime_error("control store: schema version " + std::to_string(found) +
                                 " is newer than this build supports (" + std::to_string(known) +
                                 ")");
    }
    for (const Migration& migration : migrations) {
        // Checked inside the write transaction, so two processes migrating at once apply each
        // migration exactly once: the second waits for the lock, then finds it recorded.
        SqliteTransaction transaction(connection_);
        SqliteStatement recorded =
            connection_.prepare("SELECT 1 FROM schema_migrations WHERE version = ?");
        recorded.bindAll(int64_t{migration.version});
        if (!recorded.step()) {
            connection_.exec(migration.sql);
            connection_
                .prepare(
                    "INSERT INTO schema_migrations (version, name, applied_at) "
                    "VALUES (?, ?, ?)")
                .bindAll(int64_t{migration.version}, migration.name, unixSeconds())
                .run();
        }
        transaction.commit();
    }
    return schemaVersion();
}

bool SqliteControlStore::createTenant(const Tenant& tenant) {
    std::lock_guard lock(mutex_);
    try {
        connection_
            .prepare(sql("INSERT INTO tenants (", kTenantColumns,
                         ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"))
            .bindAll(tenant.id, tenant.name, tenant.plan, tenant.rps_quota, tenant.events_per_month,
                     tenant.max_api_keys, tenant.max_users, tenant.active, tenant.created_at)
            .run();
    } catch (const SqliteError& error) {
        if (error.isUniquenessConflict()) {
            return false;
        }
        throw;
    }
    return true;
}

std::optional<Tenant> SqliteControlStore::tenant(std::string_view id) {
    std::lock_guard lock(mutex_);
    auto statement =
        connection_.prepare(sql("SELECT ", kTenantColumns, " FROM tenants WHERE id = ?"));
    statement.bindAll(id);
    return optionalRow<Tenant>(statement, readTenant);
}

std::vector<Tenant> SqliteControlStore::tenants() {
    std::lock_guard lock(mutex_);
    auto statement =
        connection_.prepare(sql("SELECT ", kTenantColumns, " FROM tenants ORDER BY id"));
    return allRows<Tenant>(statement, readTenant);
}

bool SqliteControlStore::updateTenant(const Tenant& tenant) {
    std::lock_guard lock(mutex_);
    connection_
        .prepare(
            "UPDATE tenants SET name = ?, plan = ?, rps_quota = ?, events_per_month = ?, "
            "max_api_keys = ?, max_users = ?, active = ? WHERE id = ?")
        .bindAll(tenant.name, tenant.plan, tenant.rps_quota, tenant.events_per_month,
                 tenant.max_api_keys, tenant.max_users, tenant.active, tenant.id)
        .run();
    return connection_.changes() > 0;
}

bool SqliteControlStore::createUser(const User& user) {
    std::lock_guard lock(mutex_);
    try {
        connection_
            .prepare(sql("INSERT INTO users (", kUserColumns, ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"))
            .bindAll(user.id, user.tenant_id, user.email, user.password_hash, user.role,
                     user.active, user.created_at, user.tokens_valid_after)
            .run();
    } catch (const SqliteError& error) {
        if (error.isUniquenessConflict()) {
            return false;
        }
        throw;
    }
    return true;
}

std::optional<User> SqliteControlStore::userByEmail(std::string_view email) {
    std::lock_guard lock(mutex_);
    // lower(email) matches the unique expression index, so this is an index lookup.
    auto statement = connection_.prepare(
        sql("SELECT ", kUserColumns, " FROM users WHERE lower(email) = lower(?)"));
    statement.bindAll(email);
    return optionalRow<User>(statement, readUser);
}

std::optional<User> SqliteControlStore::userById(std::string_view user_id) {
    std::lock_guard lock(mutex_);
    auto statement = connection_.prepare(sql("SELECT ", kUserColumns, " FROM users WHERE id = ?"));
    statement.bindAll(user_id);
    return optionalRow<User>(statement, readUser);
}

std::vector<User> SqliteControlStore::users(std::string_view tenant_id) {
    std::lock_guard lock(mutex_);
    auto statement = connection_.prepare(
        sql("SELECT ", kUserColumns, " FROM users WHERE tenant_id = ? ORDER BY email, id"));
    statement.bindAll(tenant_id);
    return allRows<User>(statement, readUser);
}

bool SqliteControlStore::updateUser(const User& user) {
    std::lock_guard lock(mutex_);
    connection_
        .prepare(
            "UPDATE users SET email = ?, password_hash = ?, role = ?, active = ?, "
            "tokens_valid_after = ? WHERE id = ?")
        .bindAll(user.email, user.password_hash, user.role, user.active, user.tokens_valid_after,
                 user.id)
        .run();
    return connection_.changes() > 0;
}

int64_t SqliteControlStore::countUsers(std::string_view tenant_id) {
    std::lock_guard lock(mutex_);
    auto statement = connection_.prepare("SELECT COUNT(*) FROM users WHERE tenant_id = ?");
    statement.bindAll(tenant_id);
    statement.step();
    return statement.int64(0);
}

void SqliteControlStore::insertApiKey(const ApiKey& key) {
    connection_
        .prepare(sql("INSERT INTO api_keys (", kApiKeyColumns,
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"))
        .bindAll(key.id, key.tenant_id, key.name, key.scope, key.prefix, key.hash,
                 key.rate_limit_rps, key.expires_at, key.created_at, key.created_by,
                 key.last_used_at, key.revoked_at, key.rotated_from)
        .run();
}

void SqliteControlStore::createApiKey(const ApiKey& key) {
    std::lock_guard lock(mutex_);
    insertApiKey(key);
}

std::optional<ApiKey> SqliteControlStore::apiKeyByHash(std::string_view hash) {
    std::lock_guard lock(mutex_);
    auto statement =
        connection_.prepare(sql("SELECT ", kApiKeyColumns, " FROM api_keys WHERE hash = ?"));
    statement.bindAll(hash);
    return optionalRow<ApiKey>(statement, readApiKey);
}

std::optional<ApiKey> SqliteControlStore::apiKey(std::string_view tenant_id,
                                                 std::string_view key_id) {
    std::lock_guard lock(mutex_);
    auto statement = connection_.prepare(
        sql("SELECT ", kApiKeyColumns, " FROM api_keys WHERE tenant_id = ? AND id = ?"));
    statement.bindAll(tenant_id, key_id);
    return optionalRow<ApiKey>(statement, readApiKey);
}

std::vector<ApiKey> SqliteControlStore::apiKeys(std::string_view tenant_id) {
    std::lock_guard lock(mutex_);
    auto statement = connection_.prepare(sql("SELECT ", kApiKeyColumns,
                                             " FROM api_keys WHERE tenant_id = ? "
                                             "ORDER BY created_at, id"));
    statement.bindAll(tenant_id);
    return allRows<ApiKey>(statement, readApiKey);
}

int64_t SqliteControlStore::countActiveApiKeys(std::string_view tenant_id, int64_t now) {
    std::lock_guard lock(mutex_);
    auto statement = connection_.prepare(
        "SELECT COUNT(*) FROM api_keys WHERE tenant_id = ? AND revoked_at IS NULL "
        "AND (expires_at IS NULL OR expires_at > ?)");
    statement.bindAll(tenant_id, now);
    statement.step();
    return statement.int64(0);
}

bool SqliteControlStore::revokeApiKey(std::string_view tenant_id, std::string_view key_id,
                                      int64_t now) {
    std::lock_guard lock(mutex_);
    // COALESCE keeps the first revocation time; the row still counts as changed (both SQLite and
    // PostgreSQL count matched rows), so the result says whether the key exists in the tenant.
    connection_
        .prepare(
            "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) "
            "WHERE tenant_id = ? AND id = ?")
        .bindAll(now, tenant_id, key_id)
        .run();
    return connection_.changes() > 0;
}

bool SqliteControlStore::rotateApiKey(std::string_view tenant_id, std::string_view old_key_id,
                                      const ApiKey& successor, int64_t now) {
    std::lock_guard lock(mutex_);
    SqliteTransaction transaction(connection_);
    // The conditional UPDATE is the check: of two concurrent rotations only one revokes the key.
    connection_
        .prepare(
            "UPDATE api_keys SET revoked_at = ? "
            "WHERE tenant_id = ? AND id = ? AND revoked_at IS NULL")
        .bindAll(now, tenant_id, old_key_id)
        .run();
    if (connection_.changes() == 0) {
        return false;
    }
    ApiKey key = successor;
    key.tenant_id = std::string(tenant_id);
    key.rotated_from = std::string(old_key_id);
    insertApiKey(key);
    transaction.commit();
    return true;
}

void SqliteControlStore::touchApiKeys(
    const std::vector<std::pair<std::string, int64_t>>& key_last_used) {
    if (key_last_used.empty()) {
        return;
    }
    std::lock_guard lock(mutex_);
    SqliteTransaction transaction(connection_);
    auto statement = connection_.prepare(
        "UPDATE api_keys SET last_used_at = ? "
        "WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)");
    for (const auto& [key_id, last_used] : key_last_used) {
        statement.bindAll(last_used, key_id, last_used).run();
        statement.reset();
    }
    transaction.commit();
}

std::vector<std::string> SqliteControlStore::apiKeysRevokedSince(int64_t since) {
    std::lock_guard lock(mutex_);
    auto statement = connection_.prepare(
        "SELECT id FROM api_keys WHERE revoked_at >= ? ORDER BY revoked_at, id");
    statement.bindAll(since);
    return allRows<std::string>(statement, [](const SqliteStatement& row) { return row.text(0); });
}

void SqliteControlStore::insertRefreshToken(const RefreshToken& token) {
    connection_
        .prepare(sql("INSERT INTO refresh_tokens (", kRefreshTokenColumns,
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"))
        .bindAll(token.id, token.family_id, token.user_id, token.tenant_id, token.hash,
                 token.issued_at, token.expires_at, token.used_at, token.revoked_at)
        .run();
}

void SqliteControlStore::createRefreshToken(const RefreshToken& token) {
    std::lock_guard lock(mutex_);
    insertRefreshToken(token);
}

std::optional<RefreshToken> SqliteControlStore::refreshTokenByHash(std::string_view hash) {
    std::lock_guard lock(mutex_);
    auto statement = connection_.prepare(
        sql("SELECT ", kRefreshTokenColumns, " FROM refresh_tokens WHERE hash = ?"));
    statement.bindAll(hash);
    return optionalRow<RefreshToken>(statement, readRefreshToken);
}

bool SqliteControlStore::rotateRefreshToken(std::string_view old_id, const RefreshToken& successor,
                                            int64_t now) {
    std::lock_guard lock(mutex_);
    SqliteTransaction transaction(connection_);
    // Only one of two concurrent presentations of the same token can mark it used; the other
    // sees zero changed rows and is reported as reuse.
    connection_
        .prepare(
            "UPDATE refresh_tokens SET used_at = ? "
            "WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL")
        .bindAll(now, old_id)
        .run();
    if (connection_.changes() == 0) {
        return false;
    }
    insertRefreshToken(successor);
    transaction.commit();
    return true;
}

void SqliteControlStore::revokeRefreshFamily(std::string_view family_id, int64_t now) {
    std::lock_guard lock(mutex_);
    connection_
        .prepare(
            "UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL")
        .bindAll(now, family_id)
        .run();
}

void SqliteControlStore::revokeUserRefreshTokens(std::string_view user_id, int64_t now) {
    std::lock_guard lock(mutex_);
    connection_
        .prepare(
            "UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL")
        .bindAll(now, user_id)
        .run();
}

std::unique_ptr<ControlStore> openSqliteControlStore(const std::string& path) {
    auto store = std::make_unique<SqliteControlStore>(path);
    store->migrate();
    return store;
}

void SqliteControlStore::enqueueAuditEntry(const std::string& entry_json, int64_t now) {
    std::lock_guard lock(mutex_);
    connection_.prepare("INSERT INTO audit_outbox (entry, created_at) VALUES (?, ?)")
        .bindAll(entry_json, now)
        .run();
}

std::vector<std::pair<int64_t, std::string>> SqliteControlStore::pendingAuditEntries(
    std::size_t limit) {
    std::lock_guard lock(mutex_);
    auto statement = connection_.prepare("SELECT id, entry FROM audit_outbox ORDER BY id LIMIT ?");
    statement.bindAll(static_cast<int64_t>(limit));
    return allRows<std::pair<int64_t, std::string>>(statement, [](const SqliteStatement& row) {
        return std::make_pair(row.int64(0), row.text(1));
    });
}

void SqliteControlStore::removeAuditEntries(const std::vector<int64_t>& ids) {
    if (ids.empty()) {
        return;
    }
    std::lock_guard lock(mutex_);
    SqliteTransaction transaction(connection_);
    auto statement = connection_.prepare("DELETE FROM audit_outbox WHERE id = ?");
    for (auto id : ids) {
        statement.bindAll(id).run();
        statement.reset();
    }
    transaction.commit();
}

}  // namespace infrasage::controlstore
