// storage/TenantJoinQuery: a SELECT over `(left) ALL INNER JOIN (right) USING (...)` where both
// sides are TenantQuerys that this class builds from the caller's TenantScope, so each table read
// carries its own tenant condition and a join across tenants cannot be expressed. Used for the
// service graph (spans joined to their parent spans). Outer columns, conditions and ordering are
// compile-time SqlFragments or SqlBuilder literals, as in TenantQuery. ClickHouse 18.16 joins by
// USING with equal column names only: rename on a side (`span_id AS parent_span_id`).
// Depends on: storage/TenantQuery.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/SelectClauses.h"
#include "storage/TenantQuery.h"

namespace infrasage::storage {

class TenantJoinQuery : public SelectClauses<TenantJoinQuery> {
  public:
    TenantJoinQuery(const tenancy::TenantScope& scope, std::string_view database,
                    std::string_view left_table, std::string_view right_table);

    // The two sides: call select() and where*() on them; do not give them a FORMAT.
    TenantQuery& left() { return left_; }
    TenantQuery& right() { return right_; }

    TenantJoinQuery& joinUsing(SqlFragment columns);
    TenantJoinQuery& select(SqlFragment columns);
    // where, groupBy, orderBy, limit, format: SelectClauses.

    // Throws std::logic_error when select() or joinUsing() was not called.
    std::string str() const;

  private:
    TenantQuery left_;
    TenantQuery right_;
    std::optional<std::string> using_;
    std::optional<std::string> columns_;
};

}  // namespace infrasage::storage
