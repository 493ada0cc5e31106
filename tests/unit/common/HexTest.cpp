#include <gtest/gtest.h>

#include <array>

#include "common/Hex.h"

namespace infrasage {
namespace {

std::string bytesOf(std::initializer_list<unsigned char> bytes) {
    return {bytes.begin(), bytes.end()};
}

TEST(Hex, WritesLowercaseTwoDigitsPerByte) {
    EXPECT_EQ(toHex(bytesOf({0x00, 0xAB, 0x7F})), "00ab7f");
    const std::array<unsigned char, 2> raw{0xFF, 0x01};
    EXPECT_EQ(toHex(std::span<const unsigned char>(raw)), "ff01");
    EXPECT_EQ(toHex(std::string_view()), "");
}

TEST(Hex, ReadsBackAndRefusesWhatItDidNotWrite) {
    EXPECT_EQ(fromHex("00ab7f", HexCase::Lower), bytesOf({0x00, 0xAB, 0x7F}));
    EXPECT_EQ(fromHex("00AB7f", HexCase::Any), bytesOf({0x00, 0xAB, 0x7F}));
    EXPECT_FALSE(fromHex("00AB7f", HexCase::Lower).has_value());
    EXPECT_FALSE(fromHex("abc", HexCase::Any).has_value());
    EXPECT_FALSE(fromHex("zz", HexCase::Any).has_value());
}

}  // namespace
}  // namespace infrasage
