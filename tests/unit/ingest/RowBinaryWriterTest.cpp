#include <gtest/gtest.h>

#include <string>

#include "ingest/RowBinaryWriter.h"

namespace infrasage::ingest {
namespace {

std::string encode(auto&& write, std::size_t size) {
    std::string out(size, '\xAA');
    RowBinaryWriter writer(out.data());
    write(writer);
    EXPECT_EQ(writer.position(), out.data() + out.size());
    return out;
}

TEST(RowBinaryWriterTest, VarUIntIsUnsignedLeb128) {
    const auto varuint = [](uint64_t v) {
        return encode([v](RowBinaryWriter& w) { w.writeVarUInt(v); },
                      RowBinaryWriter::varUIntSize(v));
    };
    EXPECT_EQ(varuint(0), std::string("\x00", 1));
    EXPECT_EQ(varuint(127), "\x7F");
    EXPECT_EQ(varuint(128), "\x80\x01");
    EXPECT_EQ(varuint(300), "\xAC\x02");
    EXPECT_EQ(varuint(16384), std::string("\x80\x80\x01", 3));
    EXPECT_EQ(RowBinaryWriter::varUIntSize(UINT64_MAX), 10u);
    EXPECT_EQ(varuint(UINT64_MAX), "\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\x01");
}

TEST(RowBinaryWriterTest, StringIsLengthPrefixed) {
    EXPECT_EQ(encode([](RowBinaryWriter& w) { w.writeString("abc"); }, 4),
              "\x03"
              "abc");
    EXPECT_EQ(encode([](RowBinaryWriter& w) { w.writeString(""); }, 1), std::string("\x00", 1));
    const std::string long_value(200, 'x');
    EXPECT_EQ(RowBinaryWriter::stringSize(long_value), 202u);
    EXPECT_EQ(encode([&](RowBinaryWriter& w) { w.writeString(long_value); }, 202),
              "\xC8\x01" + long_value);
}

TEST(RowBinaryWriterTest, NumbersAreLittleEndian) {
    EXPECT_EQ(encode([](RowBinaryWriter& w) { w.writeUInt32(0x01020304); }, 4), "\x04\x03\x02\x01");
    EXPECT_EQ(encode([](RowBinaryWriter& w) { w.writeFloat64(1.0); }, 8),
              std::string("\x00\x00\x00\x00\x00\x00\xF0\x3F", 8));
    EXPECT_EQ(encode([](RowBinaryWriter& w) { w.writeFloat64(-0.0); }, 8),
              std::string("\x00\x00\x00\x00\x00\x00\x00\x80", 8));
}

}  // namespace
}  // namespace infrasage::ingest
