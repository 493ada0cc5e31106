// wal/SegmentScanner: recovery's view of one segment file. Walks frames from a known frame
// boundary, checking magic, length and CRC in a fixed-size buffer (memory does not grow with the
// segment), and reports where the last intact frame ends and why scanning stopped.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace infrasage::wal {

struct SegmentScan {
    uint64_t valid_end = 0;  // end of the last intact frame (or the start offset)
    uint64_t file_size = 0;
    uint64_t frames = 0;
    std::string problem;  // empty when the whole file is intact frames
};

class SegmentScanner {
  public:
    static SegmentScan scan(const std::filesystem::path& path, uint64_t start);
};

}  // namespace infrasage::wal
