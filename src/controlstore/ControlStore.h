// controlstore/ControlStore: identity and configuration state — tenants, users, API keys, refresh
// tokens — behind one interface. SQLite (embedded, WAL mode, a file in the data directory) is the
// default implementation; a PostgreSQL one will satisfy the same interface for multi-replica
// deployments, so the SQL is portable and uniqueness/rotation run inside transactions.
// Secrets never reach this layer: only hashes of API keys, refresh tokens and passwords.
// Depends on: common.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace infrasage::controlstore {

struct Tenant {
    std::string id;  // slug: [a-z0-9][a-z0-9-]{1,62}
    std::string name;
    std::string plan = "free";
    int64_t rps_quota = 1000;      // requests/s for the whole tenant
    int64_t events_per_month = 0;  // 0 = unlimited
    int64_t max_api_keys = 100;
    int64_t max_users = 100;
    bool active = true;
    int64_t created_at = 0;  // unix seconds
};

struct User {
    std::string id;  // usr_<base62>
    std::string tenant_id;
    std::string email;          // unique across the installation (login is by email)
    std::string password_hash;  // argon2id, PHC string
    std::string role;           // viewer | operator | admin | super_admin | system
    bool active = true;
    int64_t created_at = 0;
    // Tokens issued before this instant (unix seconds) are void: set on disable and password
    // change.
    int64_t tokens_valid_after = 0;
};

struct ApiKey {
    std::string id;  // isage_key_<base62>
    std::string tenant_id;
    std::string name;
    std::string scope;           // ingestion | readonly | full
    std::string prefix;          // first 8 characters of the secret, for display
    std::string hash;            // keyed hash (hex) of the secret; unique
    int64_t rate_limit_rps = 0;  // 0 = tenant limit only
    std::optional<int64_t> expires_at;
    int64_t created_at = 0;
    std::string created_by;  // actor that created it
    std::optional<int64_t> last_used_at;
    std::optional<int64_t> revoked_at;
    std::string rotated_from;  // key id this one replaced, empty if none
};

struct RefreshToken {
    std::string id;         // rt_<base62>
    std::string family_id;  // all rotations of one login share it
    std::string user_id;
    std::string tenant_id;
    std::string hash;  // SHA-256 (hex) of the opaque token; unique
    int64_t issued_at = 0;
    int64_t expires_at = 0;
    std::optional<int64_t> used_at;     // rotated: presenting it again is reuse
    std::optional<int64_t> revoked_at;  // logout, reuse detection, user disabled
};

class ControlStore {
  public:
    virtual ~ControlStore() = default;

    // Applies pending schema migrations (idempotent); returns the schema version.
    virtual int migrate() = 0;

    // Tenants. createTenant returns false when the id exists.
    virtual bool createTenant(const Tenant& tenant) = 0;
    virtual std::optional<Tenant> tenant(std::string_view id) = 0;
    virtual std::vector<Tenant> tenants() = 0;
    virtual bool updateTenant(const Tenant& tenant) = 0;  // false when unknown

    // Users. createUser returns false when the email exists.
    virtual bool createUser(const User& user) = 0;
    virtual std::optional<User> userByEmail(std::string_view email) = 0;
    virtual std::optional<User> userById(std::string_view user_id) = 0;
    virtual std::vector<User> users(std::string_view tenant_id) = 0;
    virtual bool updateUser(const User& user) = 0;  // by id; false when unknown
    virtual int64_t countUsers(std::string_view tenant_id) = 0;

    // API keys.
    virtual void createApiKey(const ApiKey& key) = 0;
    virtual std::optional<ApiKey> apiKeyByHash(std::string_view hash) = 0;
    virtual std::optional<ApiKey> apiKey(std::string_view tenant_id, std::string_view key_id) = 0;
    virtual std::vector<ApiKey> apiKeys(std::string_view tenant_id) = 0;
    virtual int64_t countActiveApiKeys(std::string_view tenant_id, int64_t now) = 0;
    // Sets revoked_at if not yet revoked; false when the key does not exist in that tenant.
    virtual bool revokeApiKey(std::string_view tenant_id, std::string_view key_id, int64_t now) = 0;
    // In one transaction: revokes `old_key_id` and creates `successor` (rotated_from = old id).
    // False when the old key does not exist in the tenant or is already revoked.
    virtual bool rotateApiKey(std::string_view tenant_id, std::string_view old_key_id,
                              const ApiKey& successor, int64_t now) = 0;
    // Batched last_used_at updates (kept in memory per request, flushed periodically).
    virtual void touchApiKeys(
        const std::vector<std::pair<std::string, int64_t>>& key_last_used) = 0;
    // Keys revoked at or after `since` (for replicas polling revocations).
    virtual std::vector<std::string> apiKeysRevokedSince(int64_t since) = 0;

    // Refresh tokens.
    virtual void createRefreshToken(const RefreshToken& token) = 0;
    virtual std::optional<RefreshToken> refreshTokenByHash(std::string_view hash) = 0;
    // In one transaction: if `old_id` is unused and unrevoked, marks it used and inserts
    // `successor`, returning true; otherwise changes nothing and returns false (reuse).
    virtual bool rotateRefreshToken(std::string_view old_id, const RefreshToken& successor,
                                    int64_t now) = 0;
    virtual void revokeRefreshFamily(std::string_view family_id, int64_t now) = 0;
    virtual void revokeUserRefreshTokens(std::string_view user_id, int64_t now) = 0;

    // Audit outbox: entries (opaque JSON) of actions taken where the audit log's WAL is not
    // available (the admin CLI), drained into the audit log by the server.
    virtual void enqueueAuditEntry(const std::string& entry_json, int64_t now) = 0;
    virtual std::vector<std::pair<int64_t, std::string>> pendingAuditEntries(std::size_t limit) = 0;
    virtual void removeAuditEntries(const std::vector<int64_t>& ids) = 0;
};

// Opens (creating if needed) the SQLite control store at `path` and migrates it.
std::unique_ptr<ControlStore> openSqliteControlStore(const std::string& path);

}  // namespace infrasage::controlstore
