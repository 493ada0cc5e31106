#include "storage/TenantJoinQuery.h"

#include <stdexcept>

namespace infrasage::storage {

TenantJoinQuery::TenantJoinQuery(const tenancy::TenantScope& scope, std::string_view database,
                                 std::string_view left_table, std::string_view right_table)
    : left_(scope, database, left_table), right_(scope, database, right_table) {}

TenantJoinQuery& TenantJoinQuery::joinUsing(SqlFragment columns) {
    using_ = std::string(columns.text());
    return *this;
}

TenantJoinQuery& TenantJoinQuery::select(SqlFragment columns) {
    columns_ = std::string(columns.text());
    return *this;
}

std::string TenantJoinQuery::str() const {
    if (!columns_ || !using_) {
        throw std::logic_error("TenantJoinQuery: select() and joinUsing() are required");
    }
    std::string out = "SELECT " + *columns_ + " FROM (" + left_.str() + ") ALL INNER JOIN (" +
                      right_.str() + ") USING (" + *using_ + ")";
    appendClauses(out);
    return out;
}

}  // namespace infrasage::storage
