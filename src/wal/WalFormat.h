// wal/WalFormat: the on-disk layout of the write-ahead log, shared by the writer, the reader and
// recovery: frame headers (magic, length, CRC32, stream, rows), segment file names and the
// checkpoint record. Integers are little-endian so the files do not depend on the host.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "storage/RowSink.h"
#include "wal/WriteAheadLog.h"

namespace infrasage::wal::format {

inline constexpr uint32_t kFrameMagic = 0x314c4157;  // "WAL1"
// magic u32, payload length u32, crc u32, stream u16, reserved u16, row count u32.
inline constexpr size_t kHeaderSize = 20;

struct FrameHeader {
    uint32_t magic = 0;
    uint32_t payload_len = 0;
    uint32_t crc = 0;
    storage::StreamId stream = 0;
    uint32_t row_count = 0;
};

using HeaderBytes = std::array<char, kHeaderSize>;

// CRC of the header fields other than the CRC itself; continue it over the payload with
// extendCrc to get the frame's CRC.
uint32_t headerCrc(const FrameHeader& header);
uint32_t extendCrc(uint32_t crc, const char* data, size_t size);

// Encodes a complete header for `payload`, computing its CRC.
void encodeHeader(storage::StreamId stream, uint32_t row_count, std::string_view payload,
                  char* out);
FrameHeader decodeHeader(const char* in);

std::string segmentFileName(uint64_t segment);
// The segment number of a file named like segmentFileName, or nullopt for any other file.
std::optional<uint64_t> parseSegmentFileName(const std::string& name);

inline constexpr size_t kCheckpointSize = 32;
std::array<char, kCheckpointSize> encodeCheckpoint(WalPosition position);
// Throws std::runtime_error when the bytes are not a valid checkpoint record.
WalPosition decodeCheckpoint(std::string_view bytes);

}  // namespace infrasage::wal::format
