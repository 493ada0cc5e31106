#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

#include "storage/SqlLiteral.h"

namespace infrasage::storage {
namespace {

using namespace std::string_literals;

// Reverses ClickHouse's escapes for the subset quoteString emits; nullopt when the text is not a
// single well-formed literal (for example a quote that ends it early).
std::optional<std::string> unquote(const std::string& literal) {
    if (literal.size() < 2 || literal.front() != '\'' || literal.back() != '\'') {
        return std::nullopt;
    }
    std::string out;
    for (std::size_t i = 1; i + 1 < literal.size(); ++i) {
        char c = literal[i];
        if (c == '\'') {
            return std::nullopt;  // an unescaped quote would end the literal here
        }
        if (c != '\\') {
            out += c;
            continue;
        }
        if (++i + 1 >= literal.size()) {
            return std::nullopt;
        }
        switch (literal[i]) {
            case '\\':
                out += '\\';
                break;
            case '\'':
                out += '\'';
                break;
            case '0':
                out += '\0';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'x': {
                if (i + 3 >= literal.size()) {
                    return std::nullopt;
                }
                out += static_cast<char>(std::stoi(literal.substr(i + 1, 2), nullptr, 16));
                i += 2;
                break;
            }
            default:
                return std::nullopt;
        }
    }
    return out;
}

TEST(SqlLiteral, QuotesPlainText) {
    EXPECT_EQ(quoteString("hello world"), "'hello world'");
}

TEST(SqlLiteral, QuotesEmptyString) {
    EXPECT_EQ(quoteString(""), "''");
}

TEST(SqlLiteral, EscapesQuoteAndBackslash) {
    EXPECT_EQ(quoteString("it's"), R"('it\'s')");
    EXPECT_EQ(quoteString(R"(a\b)"), R"('a\\b')");
    // A backslash before a quote must not turn the escaped quote back into a terminator.
    EXPECT_EQ(quoteString(R"(\')"), R"('\\\'')");
}

TEST(SqlLiteral, EscapesControlBytes) {
    EXPECT_EQ(quoteString("a\0b"s), R"('a\0b')");
    EXPECT_EQ(quoteString("l1\nl2\r\t"), R"('l1\nl2\r\t')");
    EXPECT_EQ(quoteString("\x01\x1f\x7f"), R"('\x01\x1F\x7F')");
    EXPECT_EQ(quoteString("\b\f"), R"('\b\f')");
}

TEST(SqlLiteral, PassesUtf8Through) {
    EXPECT_EQ(quoteString("héllo ✓ 日本"), "'héllo ✓ 日本'");
}

TEST(SqlLiteral, InjectionAttemptsStayInsideTheLiteral) {
    for (const std::string& hostile :
         {"'; DROP TABLE x; --"s, "' OR 1=1"s, R"(\'; DROP TABLE x; --)"s, "\\"s, "'"s, "''"s,
          "\\\\'"s, "\0'; DROP TABLE x"s}) {
        const auto quoted = quoteString(hostile);
        const auto back = unquote(quoted);
        ASSERT_TRUE(back.has_value()) << quoted;
        EXPECT_EQ(*back, hostile) << quoted;
    }
}

TEST(SqlLiteral, EveryByteValueRoundTrips) {
    std::string all;
    for (int b = 0; b < 256; ++b) {
        all += static_cast<char>(b);
    }
    const auto quoted = quoteString(all);
    const auto back = unquote(quoted);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, all);
    // No raw control byte survives into the SQL text.
    for (char c : quoted) {
        const auto byte = static_cast<unsigned char>(c);
        EXPECT_FALSE(byte < 0x20 || byte == 0x7f) << static_cast<int>(byte);
    }
}

TEST(SqlLiteral, QuotesIdentifiers) {
    EXPECT_EQ(quoteIdentifier("infrasage_metrics"), "`infrasage_metrics`");
    EXPECT_EQ(quoteIdentifier("weird name-1"), "`weird name-1`");
    EXPECT_EQ(quoteQualified("db", "t"), "`db`.`t`");
}

TEST(SqlLiteral, RejectsIdentifiersThatCouldEscapeTheirQuotes) {
    EXPECT_THROW(quoteIdentifier(""), std::invalid_argument);
    EXPECT_THROW(quoteIdentifier("a`b"), std::invalid_argument);
    EXPECT_THROW(quoteIdentifier("t`; DROP TABLE x; --"), std::invalid_argument);
    EXPECT_THROW(quoteIdentifier("a\\b"), std::invalid_argument);
    EXPECT_THROW(quoteIdentifier("a\nb"), std::invalid_argument);
    EXPECT_THROW(quoteIdentifier("a\0b"s), std::invalid_argument);
    EXPECT_THROW(quoteQualified("db", "x`y"), std::invalid_argument);
}

TEST(SqlLiteral, FormatsIntegers) {
    EXPECT_EQ(formatInt(0), "0");
    EXPECT_EQ(formatInt(-42), "-42");
    EXPECT_EQ(formatInt(std::numeric_limits<int64_t>::max()), "9223372036854775807");
    EXPECT_EQ(formatInt(std::numeric_limits<int64_t>::min()), "-9223372036854775808");
    EXPECT_EQ(formatUInt(std::numeric_limits<uint64_t>::max()), "18446744073709551615");
}

TEST(SqlLiteral, FormatsFloatsSoTheyParseBackExactly) {
    EXPECT_EQ(formatFloat(0.1), "0.1");
    EXPECT_EQ(formatFloat(-2.5), "-2.5");
    for (double v : {0.1, 1.0 / 3.0, 1e300, -1e-300, 123456789.123456789,
                     std::numeric_limits<double>::denorm_min()}) {
        EXPECT_EQ(std::strtod(formatFloat(v).c_str(), nullptr), v) << formatFloat(v);
    }
}

TEST(SqlLiteral, FormatsNonFiniteFloatsAsClickHouseKeywords) {
    EXPECT_EQ(formatFloat(std::numeric_limits<double>::quiet_NaN()), "nan");
    EXPECT_EQ(formatFloat(std::numeric_limits<double>::infinity()), "inf");
    EXPECT_EQ(formatFloat(-std::numeric_limits<double>::infinity()), "-inf");
}

}  // namespace
}  // namespace infrasage::storage
