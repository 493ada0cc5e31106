#include "controlstore/ControlStoreMigrations.h"

namespace infrasage::controlstore {
namespace {

// Portability notes for PostgreSQL:
// - BIGINT is 64-bit in both (SQLite gives it INTEGER affinity); PostgreSQL's INTEGER is 32-bit,
//   so every timestamp, quota and counter column is BIGINT.
// - Booleans are INTEGER 0/1 with a CHECK, which both accept; PostgreSQL could use BOOLEAN, but
//   then the bound parameters would have to change type.
// - SQLite lets a non-INTEGER PRIMARY KEY hold NULL unless told otherwise, hence NOT NULL on ids.
// - Email uniqueness is on lower(email): both support expression indexes. SQLite's lower() folds
//   ASCII only, PostgreSQL's follows the locale; emails are expected ASCII-lowercased upstream.
// - SQLite enforces REFERENCES only with PRAGMA foreign_keys=ON (set on every connection).
// Audit entries of actions taken outside the server (the admin CLI): written here next to the
// change they describe, moved into the audit log by the running server. PostgreSQL: BIGSERIAL id.
constexpr std::string_view kAuditOutbox = R"sql(
CREATE TABLE audit_outbox (
    id INTEGER PRIMARY KEY,
    entry TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
)sql";

constexpr std::string_view kInitialSchema = R"sql(
CREATE TABLE tenants (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    plan TEXT NOT NULL,
    rps_quota BIGINT NOT NULL,
    events_per_month BIGINT NOT NULL,
    max_api_keys BIGINT NOT NULL,
    max_users BIGINT NOT NULL,
    active INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    email TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL
        CHECK (role IN ('viewer', 'operator', 'admin', 'super_admin', 'system')),
    active INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_at BIGINT NOT NULL,
    tokens_valid_after BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_tenant_id_idx ON users (tenant_id);

CREATE TABLE api_keys (
    id TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('ingestion', 'readonly', 'full')),
    prefix TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    rate_limit_rps BIGINT NOT NULL,
    expires_at BIGINT,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT,
    rotated_from TEXT NOT NULL
);
CREATE INDEX api_keys_tenant_id_idx ON api_keys (tenant_id);
CREATE INDEX api_keys_revoked_at_idx ON api_keys (revoked_at);

CREATE TABLE refresh_tokens (
    id TEXT NOT NULL PRIMARY KEY,
    family_id TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    hash TEXT NOT NULL UNIQUE,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX refresh_tokens_family_id_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_id_idx ON refresh_tokens (user_id);
)sql";

}  // namespace

const std::vector<Migration>& controlStoreMigrations() {
    static const std::vector<Migration> migrations = {
        {1, "initial identity schema", kInitialSchema},
        {2, "audit outbox", kAuditOutbox},
    };
    return migrations;
}

}  // namespace infrasage::controlstore
