// storage/SelectClauses: the clauses after FROM that every tenant-scoped SELECT builder shares —
// AND-ed conditions (each parenthesised, so an OR inside one cannot escape the chain), GROUP BY,
// ORDER BY, LIMIT and FORMAT — written once for TenantQuery and TenantJoinQuery (CRTP, so the
// setters return the concrete builder for chaining). Every value still reaches the SQL only as a
// compile-time SqlFragment or an SqlBuilder literal.
// Depends on: storage/SqlLiteral.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/SqlLiteral.h"

namespace infrasage::storage {

template <typename Builder>
class SelectClauses {
  public:
    // Any other condition, built from constants and literals only (SqlBuilder guarantees that).
    Builder& where(const SqlBuilder& condition) {
        conditions_.push_back(condition.str());
        return self();
    }
    Builder& groupBy(SqlFragment keys) {
        group_ = std::string(keys.text());
        return self();
    }
    Builder& orderBy(SqlFragment order) {
        order_ = std::string(order.text());
        return self();
    }
    Builder& limit(uint64_t rows) {
        limit_ = rows;
        return self();
    }
    // Output format keyword such as RowBinary or TabSeparated.
    Builder& format(std::string_view keyword) {
        format_ = SqlBuilder(" FORMAT ").keyword(keyword).str();
        return self();
    }

  protected:
    void addCondition(std::string condition) { conditions_.push_back(std::move(condition)); }
    bool hasFormat() const { return format_.has_value(); }

    // Appends ` WHERE (..) AND (..) GROUP BY .. ORDER BY .. LIMIT .. FORMAT ..` as set.
    void appendClauses(std::string& out) const {
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
    }

  private:
    Builder& self() { return static_cast<Builder&>(*this); }

    std::vector<std::string> conditions_;  // joined with AND
    std::optional<std::string> group_;
    std::optional<std::string> order_;
    std::optional<uint64_t> limit_;
    std::optional<std::string> format_;
};

}  // namespace infrasage::storage
