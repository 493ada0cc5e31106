// controlstore/SqliteControlStore: the embedded ControlStore — one SQLite file in WAL mode, shared
// by the server and the admin CLI (each process opens its own store; SQLite's file locks and
// busy_timeout arbitrate between them).
//
// Concurrency: one connection guarded by a mutex. SQLite admits one writer per file at a time
// anyway, and the control store's reads are point lookups by indexed keys (microseconds), so a
// pool would add waiting on SQLite's locks instead of ours, plus busy handling between our own
// connections, for no throughput that identity traffic needs.
#pragma once

#include <mutex>
#include <string>

#include "controlstore/ControlStore.h"
#include "controlstore/SqliteConnection.h"

namespace infrasage::controlstore {

class SqliteControlStore final : public ControlStore {
  public:
    // Opens (creating if missing, mode 0600, parent directories too) and configures the
    // connection; does not migrate (openSqliteControlStore does). Throws std::runtime_error.
    explicit SqliteControlStore(const std::string& path);

    // Throws when the file records a schema version newer than this build knows.
    int migrate() override;

    bool createTenant(const Tenant& tenant) override;
    std::optional<Tenant> tenant(std::string_view id) override;
    std::vector<Tenant> tenants() override;
    bool updateTenant(const Tenant& tenant) override;

    // createUser: false when the email (case-insensitively) or the id exists; throws when the
    // tenant does not exist. updateUser changes email, password_hash, role, active and
    // tokens_valid_after (not tenant_id or created_at); an email taken by another user throws.
    bool createUser(const User& user) override;
    std::optional<User> userByEmail(std::string_view email) override;  // case-insensitive
    std::optional<User> userById(std::string_view user_id) override;
    std::vector<User> users(std::string_view tenant_id) override;
    bool updateUser(const User& user) override;
    int64_t countUsers(std::string_view tenant_id) override;

    void createApiKey(const ApiKey& key) override;
    std::optional<ApiKey> apiKeyByHash(std::string_view hash) override;
    std::optional<ApiKey> apiKey(std::string_view tenant_id, std::string_view key_id) override;
    std::vector<ApiKey> apiKeys(std::string_view tenant_id) override;
    int64_t countActiveApiKeys(std::string_view tenant_id, int64_t now) override;
    bool revokeApiKey(std::string_view tenant_id, std::string_view key_id, int64_t now) override;
    // The successor is stored with tenant_id = `tenant_id` and rotated_from = `old_key_id`,
    // whatever those fields held.
    bool rotateApiKey(std::string_view tenant_id, std::string_view old_key_id,
                      const ApiKey& successor, int64_t now) override;
    // last_used_at only moves forward, so replicas flushing out of order do not rewind it.
    void touchApiKeys(const std::vector<std::pair<std::string, int64_t>>& key_last_used) override;
    std::vector<std::string> apiKeysRevokedSince(int64_t since) override;

    void createRefreshToken(const RefreshToken& token) override;
    std::optional<RefreshToken> refreshTokenByHash(std::string_view hash) override;
    bool rotateRefreshToken(std::string_view old_id, const RefreshToken& successor,
                            int64_t now) override;
    void revokeRefreshFamily(std::string_view family_id, int64_t now) override;
    void enqueueAuditEntry(const std::string& entry_json, int64_t now) override;
    std::vector<std::pair<int64_t, std::string>> pendingAuditEntries(std::size_t limit) override;
    void removeAuditEntries(const std::vector<int64_t>& ids) override;
    void revokeUserRefreshTokens(std::string_view user_id, int64_t now) override;

  private:
    int schemaVersion();
    void insertApiKey(const ApiKey& key);
    void insertRefreshToken(const RefreshToken& token);

    std::mutex mutex_;
    SqliteConnection connection_;
};

}  // namespace infrasage::controlstore
