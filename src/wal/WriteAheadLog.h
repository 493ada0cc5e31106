// wal/WriteAheadLog: makes acknowledged records durable before ClickHouse has them. Appends are
// queued and written by one commit thread that fsyncs once per group of appends (group commit), so
// many concurrent requests share one fsync. Frames live in numbered segment files; a checkpoint
// records how far the delivery worker has inserted into ClickHouse, and fully delivered segments
// are deleted. On open, a torn tail (crash mid-write) is detected by length+CRC and truncated.
// Depends on: common, storage (StreamId only).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "storage/RowSink.h"

namespace infrasage::wal {

struct WalOptions {
    std::filesystem::path dir;
    uint64_t segment_bytes = 64ull << 20;     // roll to a new segment past this size
    uint64_t max_pending_bytes = 1ull << 30;  // disk cap for undelivered data
    bool fsync = true;                        // tests of logic only may turn it off
    // Recovery problems that were repaired (a truncated torn tail). Default: a line on stderr.
    std::function<void(const std::string&)> on_warning;
    // Test hook: runs on the commit thread after it took a group and before writing it.
    std::function<void()> before_commit;
};

// One frame: rows for one stream, already encoded (RowBinary for the stream's table).
struct WalFrame {
    storage::StreamId stream = 0;
    uint32_t row_count = 0;
    std::string payload;
};

struct WalPosition {
    uint64_t segment = 0;
    uint64_t offset = 0;
    auto operator<=>(const WalPosition&) const = default;  // NOLINT(modernize-use-nullptr)
};

// Thrown by append when accepting the frames would pass max_pending_bytes.
class WalFullError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A frame read back for delivery, with the position just after it.
struct WalRecord {
    storage::StreamId stream = 0;
    uint32_t row_count = 0;
    std::string payload;
    WalPosition end;
};

class WriteAheadLog {
  public:
    explicit WriteAheadLog(WalOptions options);
    ~WriteAheadLog();
    WriteAheadLog(const WriteAheadLog&) = delete;
    WriteAheadLog& operator=(const WriteAheadLog&) = delete;

    // Blocks until all frames are written and fsynced (one group commit). Throws WalFullError when
    // the cap would be passed, std::runtime_error on I/O failure. Thread-safe.
    void append(std::span<const WalFrame> frames);

    // Reads durable frames after `from`, at most `max_bytes` of payload (at least one frame if any
    // is available). Waits up to `wait` for new data when none is available. Thread-safe.
    std::vector<WalRecord> read(WalPosition from, uint64_t max_bytes,
                                std::chrono::milliseconds wait);

    // Records that everything before `upto` is in ClickHouse: persists the checkpoint atomically
    // and deletes segments that lie wholly before it.
    void markDelivered(WalPosition upto);

    WalPosition deliveredPosition() const;  // the persisted checkpoint
    WalPosition durableEnd() const;         // end of the last fsynced frame
    uint64_t pendingBytes() const;          // bytes appended but not yet delivered
    uint64_t maxPendingBytes() const;
    // True from an append refused for the cap until delivery frees space (or when at the cap):
    // what /readyz reports, since a request of any size would then be refused.
    bool full() const;
    uint64_t commitCount() const;  // group commits (one write + one fsync each) so far

    // Wakes readers blocked in read(); used at shutdown.
    void wakeReaders();

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace infrasage::wal
