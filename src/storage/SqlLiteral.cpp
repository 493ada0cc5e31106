#include "storage/SqlLiteral.h"

#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace infrasage::storage {

namespace {

constexpr std::string_view kHexDigits = "0123456789ABCDEF";

void appendEscaped(std::string& out, char c) {
    switch (c) {
        case '\\':
            out += "\\\\";
            return;
        case '\'':
            out += "\\'";
            return;
        case '\0':
            out += "\\0";
            return;
        case '\b':
            out += "\\b";
            return;
        case '\f':
            out += "\\f";
            return;
        case '\n':
            out += "\\n";
            return;
        case '\r':
            out += "\\r";
            return;
        case '\t':
            out += "\\t";
            return;
        default:
            break;
    }
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
        out += "\\x";
        out += kHexDigits[byte >> 4];
        out += kHexDigits[byte & 0x0f];
        return;
    }
    out += c;
}

void checkIdentifier(std::string_view name) {
    if (name.empty()) {
        throw std::invalid_argument("SQL identifier must not be empty");
    }
    for (char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '`' || c == '\\' || byte < 0x20 || byte == 0x7f) {
            throw std::invalid_argument(
                "SQL identifier holds a backquote, backslash or control "
                "byte: " +
                quoteString(name));
        }
    }
}

std::string_view trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\n");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = s.find_last_not_of(" \t\n");
    return s.substr(first, last - first + 1);
}

template <typename T>
std::string toChars(T value) {
    std::array<char, 32> buffer{};
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return std::string(buffer.data(), result.ptr);
}

}  // namespace

std::string quoteString(std::string_view value) {
    std::string out;
    out.reserve(value.size() + 2);
    out += '\'';
    for (char c : value) {
        appendEscaped(out, c);
    }
    out += '\'';
    return out;
}

std::string quoteIdentifier(std::string_view name) {
    checkIdentifier(name);
    std::string out;
    out.reserve(name.size() + 2);
    out += '`';
    out += name;
    out += '`';
    return out;
}

std::string quoteQualified(std::string_view database, std::string_view table) {
    return quoteIdentifier(database) + "." + quoteIdentifier(table);
}

std::string formatInt(int64_t value) {
    return toChars(value);
}

std::string formatUInt(uint64_t value) {
    return toChars(value);
}

std::string formatFloat(double value) {
    if (std::isnan(value)) {
        return "nan";
    }
    if (std::isinf(value)) {
        return value > 0 ? "inf" : "-inf";
    }
    return toChars(value);
}

SqlBuilder& SqlBuilder::sql(SqlFragment fragment) {
    text_ += fragment.text();
    return *this;
}

SqlBuilder& SqlBuilder::identifier(std::string_view name) {
    text_ += quoteIdentifier(name);
    return *this;
}

SqlBuilder& SqlBuilder::qualified(std::string_view database, std::string_view table) {
    text_ += quoteQualified(database, table);
    return *this;
}

SqlBuilder& SqlBuilder::identifierList(std::string_view comma_separated) {
    bool first = true;
    while (true) {
        const auto comma = comma_separated.find(',');
        if (!first) {
            text_ += ", ";
        }
        first = false;
        identifier(trim(comma_separated.substr(0, comma)));
        if (comma == std::string_view::npos) {
            return *this;
        }
        comma_separated.remove_prefix(comma + 1);
    }
}

SqlBuilder& SqlBuilder::keyword(std::string_view word) {
    if (word.empty()) {
        throw std::invalid_argument("SQL keyword must not be empty");
    }
    for (char c : word) {
        const bool ok =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok) {
            throw std::invalid_argument("SQL keyword may hold only letters, digits and '_': " +
                                        quoteString(word));
        }
    }
    text_ += word;
    return *this;
}

SqlBuilder& SqlBuilder::string(std::string_view value) {
    text_ += quoteString(value);
    return *this;
}

SqlBuilder& SqlBuilder::stringArray(std::span<const std::string> values) {
    text_ += '[';
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) {
            text_ += ", ";
        }
        text_ += quoteString(values[i]);
    }
    text_ += ']';
    return *this;
}

SqlBuilder& SqlBuilder::integer(int64_t value) {
    text_ += formatInt(value);
    return *this;
}

SqlBuilder& SqlBuilder::unsignedInteger(uint64_t value) {
    text_ += formatUInt(value);
    return *this;
}

SqlBuilder& SqlBuilder::real(double value) {
    text_ += formatFloat(value);
    return *this;
}

}  // namespace infrasage::storage
