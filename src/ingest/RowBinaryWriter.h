// ingest/RowBinaryWriter: writes ClickHouse RowBinary values into a buffer the caller has sized
// exactly (see the *Size helpers), so that encoding a row costs one resize and no reallocation.
// String = unsigned LEB128 length + bytes; Array = LEB128 count + elements; numbers little-endian.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace infrasage::ingest {

class RowBinaryWriter {
  public:
    explicit RowBinaryWriter(char* out) : pos_(out) {}

    static constexpr std::size_t varUIntSize(uint64_t value) {
        std::size_t size = 1;
        while (value >= 0x80) {
            value >>= 7;
            ++size;
        }
        return size;
    }
    static constexpr std::size_t stringSize(std::string_view s) {
        return varUIntSize(s.size()) + s.size();
    }

    void writeVarUInt(uint64_t value) {
        while (value >= 0x80) {
            *pos_++ = static_cast<char>(static_cast<uint8_t>(value) | 0x80);
            value >>= 7;
        }
        *pos_++ = static_cast<char>(value);
    }

    void writeString(std::string_view s) {
        writeVarUInt(s.size());
        if (!s.empty()) {  // memcpy with a null source is undefined even for size 0
            std::memcpy(pos_, s.data(), s.size());
            pos_ += s.size();
        }
    }

    void writeUInt32(uint32_t value) { writeLittleEndian(value, 4); }
    void writeFloat64(double value) { writeLittleEndian(std::bit_cast<uint64_t>(value), 8); }

    char* position() const { return pos_; }

  private:
    void writeLittleEndian(uint64_t value, std::size_t bytes) {
        for (std::size_t i = 0; i < bytes; ++i) {
            *pos_++ = static_cast<char>(static_cast<uint8_t>(value >> (8 * i)));
        }
    }

    char* pos_;
};

}  // namespace infrasage::ingest
