// storage/SqlLiteral: the one place where values become SQL text. ClickHouse 18.16 has no query
// parameters, so every string, identifier and number that reaches a statement is quoted here, and
// statements are assembled with SqlBuilder, which accepts raw SQL only as compile-time constants.
// Call sites therefore never concatenate user input into SQL.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace infrasage::storage {

// `'...'` with backslash, quote and every control byte escaped (\0 \b \f \n \r \t, others \xHH).
// Bytes >= 0x80 pass through unchanged: ClickHouse strings are byte strings.
std::string quoteString(std::string_view value);

// `` `name` ``. Throws std::invalid_argument for an empty name or one holding a backquote,
// backslash or control byte: identifiers come from configuration, and such names are mistakes.
std::string quoteIdentifier(std::string_view name);

// `db`.`table`, each part checked as by quoteIdentifier.
std::string quoteQualified(std::string_view database, std::string_view table);

std::string formatInt(int64_t value);
std::string formatUInt(uint64_t value);
// Shortest text that parses back to the same double; nan/inf/-inf for non-finite values.
std::string formatFloat(double value);

// A fragment of SQL text known at compile time. The consteval constructor makes passing a runtime
// string a compile error, which is what keeps user input out of SqlBuilder::sql().
class SqlFragment {
  public:
    consteval SqlFragment(const char* text) : text_(text) {}  // NOLINT(google-explicit-constructor)
    std::string_view text() const { return text_; }

  private:
    std::string_view text_;
};

class SqlBuilder {
  public:
    SqlBuilder() = default;
    explicit SqlBuilder(SqlFragment start) { sql(start); }

    SqlBuilder& sql(SqlFragment fragment);
    SqlBuilder& identifier(std::string_view name);
    SqlBuilder& qualified(std::string_view database, std::string_view table);
    // A comma-separated identifier list ("a, b,c"), each name quoted: `a`, `b`, `c`.
    SqlBuilder& identifierList(std::string_view comma_separated);
    // A data format or engine keyword such as RowBinary: letters, digits and '_' only.
    SqlBuilder& keyword(std::string_view word);
    SqlBuilder& string(std::string_view value);
    SqlBuilder& stringArray(std::span<const std::string> values);
    SqlBuilder& integer(int64_t value);
    SqlBuilder& unsignedInteger(uint64_t value);
    SqlBuilder& real(double value);

    const std::string& str() const { return text_; }
    std::string take() && { return std::move(text_); }

  private:
    std::string text_;
};

}  // namespace infrasage::storage
