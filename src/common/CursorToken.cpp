#include "common/CursorToken.h"

#include <charconv>

namespace infrasage {

namespace {

constexpr std::string_view kHexDigits = "0123456789abcdef";

int hexValue(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

std::optional<std::string> fromHex(std::string_view token) {
    if (token.size() % 2 != 0) {
        return std::nullopt;
    }
    std::string plain;
    plain.reserve(token.size() / 2);
    for (std::size_t i = 0; i < token.size(); i += 2) {
        const int high = hexValue(token[i]);
        const int low = hexValue(token[i + 1]);
        if (high < 0 || low < 0) {
            return std::nullopt;
        }
        plain.push_back(static_cast<char>(high * 16 + low));
    }
    return plain;
}

}  // namespace

std::string encodeCursorToken(std::string_view version, int64_t position, std::string_view id) {
    const std::string plain =
        std::string(version) + "." + std::to_string(position) + "." + std::string(id);
    std::string out;
    out.reserve(plain.size() * 2);
    for (const char c : plain) {
        const auto byte = static_cast<unsigned char>(c);
        out.push_back(kHexDigits[byte >> 4U]);
        out.push_back(kHexDigits[byte & 0x0fU]);
    }
    return out;
}

std::optional<CursorFields> decodeCursorToken(std::string_view version, std::string_view token,
                                              std::size_t max_chars) {
    if (token.empty() || token.size() > max_chars) {
        return std::nullopt;
    }
    const auto plain = fromHex(token);
    if (!plain) {
        return std::nullopt;
    }
    const std::string_view text = *plain;
    const auto first = text.find('.');
    const auto second = first == std::string_view::npos ? first : text.find('.', first + 1);
    if (second == std::string_view::npos || text.substr(0, first) != version) {
        return std::nullopt;
    }
    const std::string_view digits = text.substr(first + 1, second - first - 1);
    CursorFields fields;
    const auto parsed =
        std::from_chars(digits.data(), digits.data() + digits.size(), fields.position);
    if (digits.empty() || parsed.ec != std::errc() || parsed.ptr != digits.data() + digits.size() ||
        fields.position < 0) {
        return std::nullopt;
    }
    fields.id = std::string(text.substr(second + 1));
    return fields;
}

}  // namespace infrasage
