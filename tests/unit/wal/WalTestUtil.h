// Test helpers for the wal unit tests: frames whose rows carry unique ids (so exactly-once delivery
// can be checked), a RowSink test double that records inserts and fails on demand, and a helper
// to read a whole log back.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "storage/RowSink.h"
#include "wal/WriteAheadLog.h"

namespace infrasage::wal::test {

inline constexpr size_t kRowSize = 8;

// `count` rows with ids first..first+count-1, each an 8-byte "R%07u".
inline WalFrame rowsFrame(storage::StreamId stream, uint32_t first, uint32_t count) {
    WalFrame frame;
    frame.stream = stream;
    frame.row_count = count;
    frame.payload.reserve(count * kRowSize);
    for (uint32_t id = first; id < first + count; ++id) {
        std::string digits = std::to_string(id % 10000000);
        frame.payload += 'R';
        frame.payload.append(kRowSize - 1 - digits.size(), '0');
        frame.payload += digits;
    }
    return frame;
}

inline std::vector<uint32_t> rowIds(const std::string& data) {
    std::vector<uint32_t> ids;
    for (size_t at = 0; at + kRowSize <= data.size(); at += kRowSize) {
        ids.push_back(static_cast<uint32_t>(std::stoul(data.substr(at + 1, kRowSize - 1))));
    }
    return ids;
}

// Reads every frame after `from`, in order.
inline std::vector<WalRecord> readAll(WriteAheadLog& wal, WalPosition from,
                                      uint64_t max_bytes = 1 << 20) {
    std::vector<WalRecord> all;
    for (;;) {
        auto batch = wal.read(from, max_bytes, std::chrono::milliseconds(0));
        if (batch.empty()) return all;
        from = batch.back().end;
        for (auto& record : batch) all.push_back(std::move(record));
    }
}

// Test double for the ClickHouse writer: records each insert, can fail the next N calls or the
// next N calls for one stream, and lets tests wait for a row count.
class RecordingSink : public storage::RowSink {
  public:
    struct Insert {
        storage::StreamId stream;
        std::string data;
        uint32_t rows;
    };

    void insert(storage::StreamId stream, std::string_view rowbinary, uint32_t rows) override {
        std::lock_guard lock(mu_);
        ++calls_;
        if (fail_next_ > 0) {
            --fail_next_;
            throw std::runtime_error("injected insert failure");
        }
        if (fail_stream_ == stream && fail_stream_times_ > 0) {
            --fail_stream_times_;
            throw std::runtime_error("injected failure for stream " + std::to_string(stream));
        }
        inserts_.push_back(Insert{stream, std::string(rowbinary), rows});
        rows_ += rows;
        cv_.notify_all();
    }

    void failNext(int n) {
        std::lock_guard lock(mu_);
        fail_next_ = n;
    }
    void failStream(storage::StreamId stream, int times) {
        std::lock_guard lock(mu_);
        fail_stream_ = stream;
        fail_stream_times_ = times;
    }
    bool waitForRows(uint64_t rows, std::chrono::seconds timeout = std::chrono::seconds(20)) {
        std::unique_lock lock(mu_);
        return cv_.wait_for(lock, timeout, [&] { return rows_ >= rows; });
    }
    std::vector<Insert> inserts() const {
        std::lock_guard lock(mu_);
        return inserts_;
    }
    uint64_t rows() const {
        std::lock_guard lock(mu_);
        return rows_;
    }

    // How often each row id arrived, and on which stream.
    std::map<uint32_t, int> idCounts(
        std::map<uint32_t, storage::StreamId>* streams = nullptr) const {
        std::map<uint32_t, int> counts;
        for (const Insert& insert : inserts()) {
            for (uint32_t id : rowIds(insert.data)) {
                ++counts[id];
                if (streams != nullptr) (*streams)[id] = insert.stream;
            }
        }
        return counts;
    }

  private:
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::vector<Insert> inserts_;
    uint64_t rows_ = 0;
    int calls_ = 0;
    int fail_next_ = 0;
    std::optional<storage::StreamId> fail_stream_;
    int fail_stream_times_ = 0;
};

}  // namespace infrasage::wal::test
