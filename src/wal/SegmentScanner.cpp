#include "wal/SegmentScanner.h"

#include <fcntl.h>

#include <algorithm>
#include <vector>

#include "wal/PosixFile.h"
#include "wal/WalFormat.h"

namespace infrasage::wal {
namespace {

constexpr size_t kBufferSize = 1 << 20;

// Sequential reads through a fixed buffer, refilled with large preads.
class BufferedReader {
  public:
    BufferedReader(const PosixFile& file, uint64_t offset, uint64_t end)
        : file_(file), next_(offset), end_(end), buffer_(kBufferSize) {}

    // Makes at least `n` (<= buffer size) unread bytes available; false at end of file.
    bool ensure(size_t n) {
        if (filled_ - pos_ >= n) {
            return true;
        }
        std::copy(buffer_.begin() + static_cast<std::ptrdiff_t>(pos_),
                  buffer_.begin() + static_cast<std::ptrdiff_t>(filled_), buffer_.begin());
        filled_ -= pos_;
        pos_ = 0;
        const size_t want =
            static_cast<size_t>(std::min<uint64_t>(buffer_.size() - filled_, end_ - next_));
        const size_t got = file_.readAt(buffer_.data() + filled_, want, next_);
        filled_ += got;
        next_ += got;
        return filled_ >= n;
    }
    const char* data() const { return buffer_.data() + pos_; }
    size_t available() const { return filled_ - pos_; }
    void consume(size_t n) { pos_ += n; }

  private:
    const PosixFile& file_;
    uint64_t next_;
    uint64_t end_;
    std::vector<char> buffer_;
    size_t pos_ = 0;
    size_t filled_ = 0;
};

// Checks one frame whose header is at the reader's position and consumes it; returns an empty
// string when intact, with the frame's size in `frame_size`.
std::string checkFrame(BufferedReader& reader, uint64_t offset, uint64_t file_size,
                       uint64_t& frame_size) {
    if (!reader.ensure(format::kHeaderSize)) {
        return "short frame header";
    }
    const format::FrameHeader header = format::decodeHeader(reader.data());
    if (header.magic != format::kFrameMagic) {
        return "bad frame magic";
    }
    if (offset + format::kHeaderSize + header.payload_len > file_size) {
        return "short frame payload";
    }
    reader.consume(format::kHeaderSize);
    frame_size = format::kHeaderSize + header.payload_len;
    uint32_t crc = format::headerCrc(header);
    size_t left = header.payload_len;
    while (left > 0) {
        if (!reader.ensure(1)) {
            return "short frame payload";
        }
        const size_t take = std::min(left, reader.available());
        crc = format::extendCrc(crc, reader.data(), take);
        reader.consume(take);
        left -= take;
    }
    return crc == header.crc ? std::string() : std::string("frame CRC mismatch");
}

}  // namespace

SegmentScan SegmentScanner::scan(const std::filesystem::path& path, uint64_t start) {
    PosixFile file(path, O_RDONLY);
    SegmentScan result;
    result.file_size = file.size();
    result.valid_end = start;
    if (start > result.file_size) {
        result.problem = "checkpoint offset " + std::to_string(start) + " is past the end (" +
                         std::to_string(result.file_size) + " bytes)";
        return result;
    }
    BufferedReader reader(file, start, result.file_size);
    while (result.valid_end < result.file_size) {
        uint64_t frame_size = 0;
        std::string problem = checkFrame(reader, result.valid_end, result.file_size, frame_size);
        if (!problem.empty()) {
            result.problem = std::move(problem);
            return result;
        }
        result.valid_end += frame_size;
        ++result.frames;
    }
    return result;
}

}  // namespace infrasage::wal
