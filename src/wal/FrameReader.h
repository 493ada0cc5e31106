// wal/FrameReader: reads durable frames back for delivery. Works on a snapshot of segment sizes
// taken under the WAL's lock, so it does its I/O without holding it: one large pread per chunk,
// never one syscall per frame. CRCs are not re-checked here: the frames were verified at open or
// written by this process, and are usually served from the page cache.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "wal/WriteAheadLog.h"

namespace infrasage::wal {

struct SegmentExtent {
    uint64_t segment = 0;
    uint64_t size = 0;  // durable bytes
};

class FrameReader {
  public:
    // Frames from `start` (a frame boundary inside extents.front()) on through the following
    // extents, stopping before the payload total would pass `max_bytes` (but returning at least one
    // frame). Throws std::runtime_error on I/O errors or a frame that does not parse.
    static std::vector<WalRecord> read(const std::filesystem::path& dir,
                                       const std::vector<SegmentExtent>& extents, uint64_t start,
                                       uint64_t max_bytes);
};

}  // namespace infrasage::wal
