#include "common/Hex.h"

namespace infrasage {

namespace {

constexpr std::string_view kDigits = "0123456789abcdef";

int digitValue(char c, HexCase accepted) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (accepted == HexCase::Any && c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// Both byte views: chars are read as unsigned so bytes >= 0x80 map to their two digits.
template <typename Bytes>
std::string hexOf(const Bytes& bytes) {
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const auto c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        out.push_back(kDigits[b >> 4U]);
        out.push_back(kDigits[b & 0x0fU]);
    }
    return out;
}

}  // namespace

std::string toHex(std::span<const unsigned char> bytes) {
    return hexOf(bytes);
}

std::string toHex(std::string_view bytes) {
    return hexOf(bytes);
}

std::optional<std::string> fromHex(std::string_view hex, HexCase accepted) {
    if (hex.size() % 2 != 0) {
        return std::nullopt;
    }
    std::string out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int high = digitValue(hex[i], accepted);
        const int low = digitValue(hex[i + 1], accepted);
        if (high < 0 || low < 0) {
            return std::nullopt;
        }
        out.push_back(static_cast<char>(high * 16 + low));
    }
    return out;
}

}  // namespace infrasage
