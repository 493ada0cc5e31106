// audit/AuditReader: reads the audit log back for GET /api/v1/audit (filtered, newest first,
// cursor-paginated) and GET /api/v1/audit/verify (recomputes one tenant's hash chains). Every
// query is built by storage/TenantQuery from the caller's TenantScope, so a tenant admin only
// ever reads their own tenant's entries. Rows are read as RowBinary so hashes are checked over
// the exact stored bytes.
// Depends on: storage/ClickHouseClient, storage/TenantQuery, audit/ChainVerifier.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/AuditEntry.h"
#include "audit/ChainVerifier.h"
#include "storage/ClickHouseClient.h"
#include "tenancy/TenantScope.h"

namespace infrasage::audit {

struct AuditFilter {
    std::optional<std::string> actor;
    std::optional<std::string> action;
    std::optional<std::string> outcome;  // allowed | denied | failed
    std::optional<int64_t> since_ms;     // inclusive
    std::optional<int64_t> until_ms;     // inclusive
    std::size_t limit = 100;             // 1..1000; larger values are capped at 1000
    std::string page_token;              // from the previous page; empty for the first
};

struct AuditPage {
    std::vector<AuditRecord> entries;  // newest first
    std::string next_page_token;       // empty when this is the last page
};

class AuditReader {
  public:
    static constexpr std::size_t kMaxLimit = 1000;

    // `verify_page_rows`: rows fetched per query while verifying (bounds memory for big tenants).
    AuditReader(storage::ClickHouseClient& client, std::string database,
                std::size_t verify_page_rows = 10000);

    // Throws ApiError 400 (`invalid_page_token`, `invalid_limit`, `invalid_outcome`) for bad
    // input, ClickHouseError when ClickHouse fails.
    AuditPage list(const tenancy::TenantScope& scope, const AuditFilter& filter);

    // Checks every chain of one tenant. Throws ApiError 400 `tenant_required` for an all-tenants
    // scope, ClickHouseError when ClickHouse fails.
    VerifyResult verify(const tenancy::TenantScope& one_tenant);

  private:
    storage::ClickHouseClient& client_;
    std::string database_;
    std::size_t verify_page_rows_;
};

}  // namespace infrasage::audit
