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

TenantJoinQuery& TenantJoinQuery::where(const SqlBuilder& condition) {
    conditions_.push_back(condition.str());
    return *this;
}

TenantJoinQuery& TenantJoinQuery::groupBy(SqlFragment keys) {
    group_ = std::string(keys.text());
    return *this;
}

TenantJoinQuery& TenantJoinQuery::orderBy(SqlFragment order) {
    order_ = std::string(order.text());
    return *this;
}

TenantJoinQuery& TenantJoinQuery::limit(uint64_t rows) {
    limit_ = rows;
    return *this;
}

TenantJoinQuery& TenantJoinQuery::format(std::string_view keyword) {
    format_ = SqlBuilder(" FORMAT ").keyword(keyword).str();
    return *this;
}

std::string TenantJoinQuery::str() const {
    if (!columns_ || !using_) {
        throw std::logic_error("TenantJoinQuery: select() and joinUsing() are required");
    }
    std::string out = "SELECT " + *columns_ + " FROM (" + left_.str() + ") ALL INNER JOIN (" +
                      right_.str() + ") USING (" + *using_ + ")";
    for (std::size_t i = 0; i < conditions_.size(); ++i) {
        out += i == 0 ? " WHERE (" : " AND (";
        out += conditions_[i];
        out += ')';
    }
    if (group_) {
        out += " GROUP BY " + *group_;
    }
    if (order_) {
        out += " ORDER BY " + *order_;
    }
    if (limit_) {
        out += " LIMIT " + formatUInt(*limit_);
    }
    if (format_) {
        out += *format_;
    }
    return out;
}

}  // namespace infrasage::storage
