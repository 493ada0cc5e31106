#include "common/CursorToken.h"

#include <charconv>

#include "common/Hex.h"

namespace infrasage {

std::string encodeCursorToken(std::string_view version, int64_t position, std::string_view id) {
    return toHex(std::string(version) + "." + std::to_string(position) + "." + std::string(id));
}

std::optional<CursorFields> decodeCursorToken(std::string_view version, std::string_view token,
                                              std::size_t max_chars) {
    if (token.empty() || token.size() > max_chars) {
        return std::nullopt;
    }
    const auto plain = fromHex(token, HexCase::Lower);
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
