// storage/RowBinaryReader: reads ClickHouse RowBinary result sets (`SELECT ... FORMAT RowBinary`)
// value by value, checking every length against the bytes that arrived, so a truncated or
// malformed answer becomes an exception instead of a read past the buffer. String = unsigned
// LEB128 length + bytes; numbers little-endian (DateTime is a UInt32 of seconds).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace infrasage::storage {

class RowBinaryReader {
  public:
    explicit RowBinaryReader(std::string_view bytes) : bytes_(bytes) {}

    bool atEnd() const { return bytes_.empty(); }

    // An unsigned integer column of `size` bytes (UInt8 .. UInt64, DateTime = 4).
    uint64_t fixed(std::size_t size) {
        const std::string_view raw = take(size);
        uint64_t value = 0;
        for (std::size_t i = 0; i < size; ++i) {
            value |= static_cast<uint64_t>(static_cast<uint8_t>(raw[i])) << (8 * i);
        }
        return value;
    }

    double float64() { return std::bit_cast<double>(fixed(8)); }

    std::string string() {
        uint64_t length = 0;
        for (unsigned shift = 0;; shift += 7) {
            if (shift > 63) {
                throw std::runtime_error("RowBinary: LEB128 length too long");
            }
            const auto byte = static_cast<uint8_t>(take(1)[0]);
            length |= static_cast<uint64_t>(byte & 0x7fU) << shift;
            if ((byte & 0x80U) == 0) {
                break;
            }
        }
        if (length > bytes_.size()) {
            throw std::runtime_error("RowBinary: string runs past the end");
        }
        return std::string(take(static_cast<std::size_t>(length)));
    }

  private:
    std::string_view take(std::size_t size) {
        if (size > bytes_.size()) {
            throw std::runtime_error("RowBinary: truncated row");
        }
        const std::string_view out = bytes_.substr(0, size);
        bytes_.remove_prefix(size);
        return out;
    }

    std::string_view bytes_;
};

}  // namespace infrasage::storage
