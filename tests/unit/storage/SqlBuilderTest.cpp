#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "storage/SqlLiteral.h"

namespace infrasage::storage {
namespace {

// Raw SQL enters only as a compile-time constant: no runtime string converts to a fragment.
// (Passing a runtime const char* also fails to compile, because the constructor is consteval.)
static_assert(!std::is_convertible_v<std::string, SqlFragment>);
static_assert(!std::is_convertible_v<std::string_view, SqlFragment>);

TEST(SqlBuilder, ComposesConstantsAndTypedLiterals) {
    const auto sql = SqlBuilder("SELECT count() FROM ")
                         .qualified("db", "t")
                         .sql(" WHERE tenant_id = ")
                         .string("acme's")
                         .sql(" AND value > ")
                         .real(1.5)
                         .sql(" AND n = ")
                         .integer(-3)
                         .sql(" AND u = ")
                         .unsignedInteger(7)
                         .str();
    EXPECT_EQ(sql,
              "SELECT count() FROM `db`.`t` WHERE tenant_id = 'acme\\'s' AND value > 1.5 AND "
              "n = -3 AND u = 7");
}

TEST(SqlBuilder, QuotesEachNameOfAnIdentifierList) {
    EXPECT_EQ(SqlBuilder().identifierList("a, b,c ,  d").str(), "`a`, `b`, `c`, `d`");
    EXPECT_EQ(SqlBuilder().identifierList("only").str(), "`only`");
    EXPECT_THROW(SqlBuilder().identifierList("a, , b"), std::invalid_argument);
    EXPECT_THROW(SqlBuilder().identifierList("a, b`) FORMAT Values"), std::invalid_argument);
}

TEST(SqlBuilder, AcceptsOnlyPlainKeywords) {
    EXPECT_EQ(SqlBuilder().keyword("RowBinary").str(), "RowBinary");
    EXPECT_THROW(SqlBuilder().keyword("RowBinary; DROP TABLE x"), std::invalid_argument);
    EXPECT_THROW(SqlBuilder().keyword(""), std::invalid_argument);
}

TEST(SqlBuilder, QuotesEveryArrayElement) {
    const std::vector<std::string> values{"a", "b'c", ""};
    EXPECT_EQ(SqlBuilder().stringArray(values).str(), R"(['a', 'b\'c', ''])");
    EXPECT_EQ(SqlBuilder().stringArray({}).str(), "[]");
}

TEST(SqlBuilder, TakeMovesTheText) {
    SqlBuilder builder("SELECT 1");
    EXPECT_EQ(std::move(builder).take(), "SELECT 1");
}

}  // namespace
}  // namespace infrasage::storage
