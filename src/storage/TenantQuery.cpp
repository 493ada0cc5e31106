#include "storage/TenantQuery.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <utility>

namespace infrasage::storage {

namespace {

// DateTime is a UInt32 of seconds; clamping keeps an out-of-range filter meaningful (everything
// or nothing) instead of wrapping around.
int64_t clampToDateTime(int64_t unix_seconds) {
    return std::clamp<int64_t>(unix_seconds, 0, std::numeric_limits<uint32_t>::max());
}

}  // namespace

TenantQuery::TenantQuery(const tenancy::TenantScope& scope, std::string_view database,
                         std::string_view table)
    : TenantQuery(scope, quoteQualified(database, table)) {
    if (tenant_) {
        addCondition(SqlBuilder("tenant_id = ").string(*tenant_).str());
    }
}

TenantQuery::TenantQuery(const tenancy::TenantScope& scope, std::string from)
    : from_(std::move(from)) {
    if (!scope.allTenants()) {
        tenant_ = scope.tenantId();
    }
}

TenantQuery TenantQuery::unionAll(const tenancy::TenantScope& scope,
                                  std::vector<TenantQuery> parts) {
    if (parts.empty()) {
        throw std::logic_error("TenantQuery: UNION ALL of nothing");
    }
    std::string from = "(";
    TenantQuery out(scope, std::string());
    for (std::size_t i = 0; i < parts.size(); ++i) {
        out.checkNestable(parts[i]);
        from += i == 0 ? "" : " UNION ALL ";
        from += parts[i].str();
    }
    out.from_ = std::move(from) + ')';
    return out;
}

void TenantQuery::checkNestable(const TenantQuery& other) const {
    if (other.tenant_ != tenant_) {
        throw std::logic_error("TenantQuery: a nested query of another tenant scope");
    }
    if (other.hasFormat()) {
        throw std::logic_error("TenantQuery: a nested query with a FORMAT");
    }
}

TenantQuery& TenantQuery::select(SqlFragment columns) {
    columns_ = std::string(columns.text());
    return *this;
}

TenantQuery& TenantQuery::select(const SqlBuilder& columns) {
    columns_ = columns.str();
    return *this;
}

TenantQuery& TenantQuery::final() {
    final_ = true;
    return *this;
}

TenantQuery& TenantQuery::whereEquals(SqlFragment column, std::string_view value) {
    addCondition(SqlBuilder().sql(column).sql(" = ").string(value).str());
    return *this;
}

TenantQuery& TenantQuery::whereEquals(SqlFragment column, uint64_t value) {
    addCondition(SqlBuilder().sql(column).sql(" = ").unsignedInteger(value).str());
    return *this;
}

TenantQuery& TenantQuery::whereSince(SqlFragment column, int64_t unix_seconds) {
    addCondition(SqlBuilder()
                     .sql(column)
                     .sql(" >= toDateTime(")
                     .integer(clampToDateTime(unix_seconds))
                     .sql(")")
                     .str());
    return *this;
}

TenantQuery& TenantQuery::whereUntil(SqlFragment column, int64_t unix_seconds) {
    addCondition(SqlBuilder()
                     .sql(column)
                     .sql(" < toDateTime(")
                     .integer(clampToDateTime(unix_seconds))
                     .sql(")")
                     .str());
    return *this;
}

TenantQuery& TenantQuery::whereIn(SqlFragment column, const TenantQuery& subquery) {
    checkNestable(subquery);
    addCondition(SqlBuilder().sql(column).sql(" IN (").str() + subquery.str() + ')');
    return *this;
}

std::string TenantQuery::str() const {
    if (!columns_) {
        throw std::logic_error("TenantQuery: select() was not called");
    }
    std::string out = "SELECT " + *columns_ + " FROM " + from_;
    if (final_) {
        out += " FINAL";
    }
    appendClauses(out);
    return out;
}

}  // namespace infrasage::storage
