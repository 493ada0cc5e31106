#include "wal/FrameReader.h"

#include <fcntl.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "wal/PosixFile.h"
#include "wal/WalFormat.h"

namespace infrasage::wal {
namespace {

// Chunks are sized to the remaining budget plus some slack for headers, within these bounds.
constexpr uint64_t kMinChunk = 64 << 10;
constexpr uint64_t kMaxChunk = 16 << 20;

class SegmentReadState {
  public:
    SegmentReadState(const std::filesystem::path& dir, const SegmentExtent& extent, uint64_t offset,
                     uint64_t max_bytes, uint64_t& used, std::vector<WalRecord>& out)
        : file_(dir / format::segmentFileName(extent.segment), O_RDONLY),
          extent_(extent),
          offset_(offset),
          max_bytes_(max_bytes),
          used_(used),
          out_(out) {}

    // Reads frames until the segment or the budget ends; returns false when the budget ended.
    bool run() {
        while (offset_ < extent_.size) {
            if (!out_.empty() && used_ >= max_bytes_) {
                return false;
            }
            if (!readChunk()) {
                return false;
            }
        }
        return true;
    }

  private:
    bool fits(uint64_t payload) const { return out_.empty() || used_ + payload <= max_bytes_; }

    bool readChunk() {
        const uint64_t budget = max_bytes_ > used_ ? max_bytes_ - used_ : 0;
        const uint64_t want =
            std::min(std::clamp(budget + kMinChunk, kMinChunk, kMaxChunk), extent_.size - offset_);
        chunk_.resize(static_cast<size_t>(want));
        if (file_.readAt(chunk_.data(), chunk_.size(), offset_) != chunk_.size()) {
            throw std::runtime_error("WAL read " + file_.path().string() + ": file shorter than " +
                                     "its durable size");
        }
        size_t pos = 0;
        while (pos + format::kHeaderSize <= chunk_.size()) {
            const format::FrameHeader header = format::decodeHeader(chunk_.data() + pos);
            checkHeader(header, offset_ + pos);
            if (!fits(header.payload_len)) {
                return false;
            }
            pos += takeFrame(header, pos);
        }
        offset_ += pos;
        return true;
    }

    void checkHeader(const format::FrameHeader& header, uint64_t at) const {
        if (header.magic != format::kFrameMagic ||
            at + format::kHeaderSize + header.payload_len > extent_.size) {
            throw std::runtime_error("WAL read " + file_.path().string() + ": no valid frame at " +
                                     std::to_string(at));
        }
    }

    // Copies the frame at `pos` out of the chunk, reading what the chunk lacks straight into the
    // record. Returns the frame's size.
    size_t takeFrame(const format::FrameHeader& header, size_t pos) {
        const size_t payload_at = pos + format::kHeaderSize;
        const size_t in_chunk = std::min<size_t>(header.payload_len, chunk_.size() - payload_at);
        WalRecord record;
        record.stream = header.stream;
        record.row_count = header.row_count;
        record.payload.resize(header.payload_len);
        std::copy_n(chunk_.data() + payload_at, in_chunk, record.payload.data());
        if (in_chunk < header.payload_len) {
            const size_t rest = header.payload_len - in_chunk;
            if (file_.readAt(record.payload.data() + in_chunk, rest,
                             offset_ + payload_at + in_chunk) != rest) {
                throw std::runtime_error("WAL read " + file_.path().string() + ": short frame");
            }
        }
        const size_t frame_size = format::kHeaderSize + header.payload_len;
        record.end = WalPosition{extent_.segment, offset_ + pos + frame_size};
        used_ += header.payload_len;
        out_.push_back(std::move(record));
        return frame_size;
    }

    PosixFile file_;
    SegmentExtent extent_;
    uint64_t offset_;
    uint64_t max_bytes_;
    uint64_t& used_;
    std::vector<WalRecord>& out_;
    std::string chunk_;
};

}  // namespace

std::vector<WalRecord> FrameReader::read(const std::filesystem::path& dir,
                                         const std::vector<SegmentExtent>& extents, uint64_t start,
                                         uint64_t max_bytes) {
    std::vector<WalRecord> out;
    uint64_t used = 0;
    uint64_t offset = start;
    for (const SegmentExtent& extent : extents) {
        if (offset < extent.size) {
            SegmentReadState state(dir, extent, offset, max_bytes, used, out);
            if (!state.run()) {
                break;
            }
        }
        offset = 0;
    }
    return out;
}

}  // namespace infrasage::wal
