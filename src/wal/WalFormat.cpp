#include "wal/WalFormat.h"

#include <zlib.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace infrasage::wal::format {
namespace {

constexpr uint32_t kCheckpointMagic = 0x314b4357;  // "WCK1"

void putU16(char* out, uint16_t v) {
    for (size_t i = 0; i < 2; ++i) {
        out[i] = static_cast<char>((v >> (8 * i)) & 0xffu);
    }
}
void putU32(char* out, uint32_t v) {
    for (size_t i = 0; i < 4; ++i) {
        out[i] = static_cast<char>((v >> (8 * i)) & 0xffu);
    }
}
void putU64(char* out, uint64_t v) {
    for (size_t i = 0; i < 8; ++i) {
        out[i] = static_cast<char>((v >> (8 * i)) & 0xffu);
    }
}
uint64_t getLe(const char* in, size_t width) {
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) {
        v |= static_cast<uint64_t>(static_cast<unsigned char>(in[i])) << (8 * i);
    }
    return v;
}

}  // namespace

uint32_t extendCrc(uint32_t crc, const char* data, size_t size) {
    return static_cast<uint32_t>(
        crc32_z(crc, reinterpret_cast<const Bytef*>(data), static_cast<z_size_t>(size)));
}

uint32_t headerCrc(const FrameHeader& header) {
    char fields[14];
    putU32(fields, header.magic);
    putU32(fields + 4, header.payload_len);
    putU16(fields + 8, header.stream);
    putU32(fields + 10, header.row_count);
    return extendCrc(0, fields, sizeof(fields));
}

void encodeHeader(storage::StreamId stream, uint32_t row_count, std::string_view payload,
                  char* out) {
    if (payload.size() > std::numeric_limits<uint32_t>::max()) {
        throw std::invalid_argument("WAL frame payload larger than 4 GiB");
    }
    FrameHeader header;
    header.magic = kFrameMagic;
    header.payload_len = static_cast<uint32_t>(payload.size());
    header.stream = stream;
    header.row_count = row_count;
    const uint32_t crc = extendCrc(headerCrc(header), payload.data(), payload.size());
    putU32(out, header.magic);
    putU32(out + 4, header.payload_len);
    putU32(out + 8, crc);
    putU16(out + 12, header.stream);
    putU16(out + 14, 0);
    putU32(out + 16, header.row_count);
}

FrameHeader decodeHeader(const char* in) {
    FrameHeader header;
    header.magic = static_cast<uint32_t>(getLe(in, 4));
    header.payload_len = static_cast<uint32_t>(getLe(in + 4, 4));
    header.crc = static_cast<uint32_t>(getLe(in + 8, 4));
    header.stream = static_cast<storage::StreamId>(getLe(in + 12, 2));
    header.row_count = static_cast<uint32_t>(getLe(in + 16, 4));
    return header;
}

std::string segmentFileName(uint64_t segment) {
    std::string digits = std::to_string(segment);
    return std::string(20 - std::min<size_t>(20, digits.size()), '0') + digits + ".wal";
}

std::optional<uint64_t> parseSegmentFileName(const std::string& name) {
    if (name.size() != 24 || name.compare(20, 4, ".wal") != 0) {
        return std::nullopt;
    }
    uint64_t value = 0;
    for (size_t i = 0; i < 20; ++i) {
        const char c = name[i];
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    return value;
}

std::array<char, kCheckpointSize> encodeCheckpoint(WalPosition position) {
    std::array<char, kCheckpointSize> out{};
    putU32(out.data(), kCheckpointMagic);
    putU64(out.data() + 8, position.segment);
    putU64(out.data() + 16, position.offset);
    putU32(out.data() + 24, extendCrc(0, out.data(), 24));
    return out;
}

WalPosition decodeCheckpoint(std::string_view bytes) {
    if (bytes.size() != kCheckpointSize) {
        throw std::runtime_error("WAL checkpoint has " + std::to_string(bytes.size()) +
                                 " bytes, expected " + std::to_string(kCheckpointSize));
    }
    if (getLe(bytes.data(), 4) != kCheckpointMagic) {
        throw std::runtime_error("WAL checkpoint has a bad magic number");
    }
    if (getLe(bytes.data() + 24, 4) != extendCrc(0, bytes.data(), 24)) {
        throw std::runtime_error("WAL checkpoint CRC mismatch");
    }
    return WalPosition{getLe(bytes.data() + 8, 8), getLe(bytes.data() + 16, 8)};
}

}  // namespace infrasage::wal::format
