// storage/TenantQuery: the one builder for SELECTs on tenant tables. It takes the caller's
// TenantScope and always adds `tenant_id = '<tenant>'` (only an all-tenants scope, which only a
// super_admin can obtain, omits it), so a query on tenant data cannot be built without the tenant
// condition. Columns, expressions and ordering are compile-time SqlFragments; values reach the SQL
// only as SqlBuilder literals. Handlers never write SQL for tenant tables themselves.
// Queries that read more than one table compose TenantQueries of the same tenant: an IN subquery
// (whereIn) or a UNION ALL of several (unionAll), so every table read carries its own tenant
// condition; composing queries of two different tenants is refused.
// Depends on: storage/SqlLiteral, tenancy/TenantScope (header only).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/SelectClauses.h"
#include "storage/SqlLiteral.h"
#include "tenancy/TenantScope.h"

namespace infrasage::storage {

class TenantQuery : public SelectClauses<TenantQuery> {
  public:
    // `database` and `table` are configuration or constants; they are quoted as identifiers.
    TenantQuery(const tenancy::TenantScope& scope, std::string_view database,
                std::string_view table);

    TenantQuery& select(SqlFragment columns);
    // Columns holding literals (e.g. a bucket width): SqlBuilder keeps values quoted.
    TenantQuery& select(const SqlBuilder& columns);
    // `FROM t FINAL`: for ReplacingMergeTree tables, only the latest version of each row is
    // read (conditions are applied after the versions are collapsed).
    TenantQuery& final();
    TenantQuery& whereEquals(SqlFragment column, std::string_view value);
    TenantQuery& whereEquals(SqlFragment column, uint64_t value);
    // `column >= toDateTime(unix_seconds)`; values outside DateTime's range are clamped.
    TenantQuery& whereSince(SqlFragment column, int64_t unix_seconds);
    // `column < toDateTime(unix_seconds)` (half-open: since <= t < until).
    TenantQuery& whereUntil(SqlFragment column, int64_t unix_seconds);
    // `column IN (subquery)`, e.g. the series ids of one metric name. The subquery keeps its own
    // tenant condition. Throws std::logic_error when `subquery` belongs to another tenant (or
    // scope kind) than this query, or has a FORMAT.
    TenantQuery& whereIn(SqlFragment column, const TenantQuery& subquery);
    // where, groupBy, orderBy, limit, format: SelectClauses.

    // A query over `SELECT ... FROM (part UNION ALL part ...)`: one result from several tables.
    // Each part is a TenantQuery of `scope`'s tenant selecting the same column types in the same
    // order (ClickHouse matches UNION ALL columns by position); the tenant condition is inside
    // each part, so the outer query adds none. Throws std::logic_error for no parts, a part of
    // another tenant, or a part with a FORMAT.
    static TenantQuery unionAll(const tenancy::TenantScope& scope, std::vector<TenantQuery> parts);

    // The statement. Throws std::logic_error when select() was not called.
    std::string str() const;

  private:
    TenantQuery(const tenancy::TenantScope& scope, std::string from);
    // Throws std::logic_error unless `other` may be nested in this query (same tenant, no FORMAT).
    void checkNestable(const TenantQuery& other) const;

    std::optional<std::string> tenant_;  // nullopt for an all-tenants scope
    std::string from_;                   // `db`.`table`, or a parenthesised UNION ALL
    bool final_ = false;
    std::optional<std::string> columns_;
};

}  // namespace infrasage::storage
