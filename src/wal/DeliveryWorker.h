// wal/DeliveryWorker: the background writer. Reads durable frames from the WAL in order, groups
// them per stream into large inserts (aiming at target_rows per insert under load, and flushing
// within max_delay when idle), inserts them through a RowSink and then advances the WAL
// checkpoint. Failed inserts are retried with exponential backoff, forever, so nothing
// acknowledged is dropped while ClickHouse is down; within one group only streams not yet
// inserted are retried, so the normal path does not duplicate.
// Depends on: wal/WriteAheadLog, storage/RowSink.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "storage/RowSink.h"
#include "wal/WriteAheadLog.h"

namespace infrasage::wal {

struct DeliveryOptions {
    uint32_t target_rows = 10000;               // an insert waits to gather this many rows...
    std::chrono::milliseconds max_delay{1000};  // ...but never longer than this
    uint64_t max_group_bytes = 64ull << 20;     // upper bound of one read from the WAL
    std::chrono::milliseconds initial_backoff{100};
    std::chrono::milliseconds max_backoff{5000};
};

// Observers for metrics; all optional.
struct DeliveryObserver {
    std::function<void(storage::StreamId, uint32_t rows, std::chrono::microseconds)> on_insert;
    std::function<void(const std::exception&)> on_error;
};

class DeliveryWorker {
  public:
    DeliveryWorker(WriteAheadLog& wal, storage::RowSink& sink, DeliveryOptions options,
                   DeliveryObserver observer = {});
    ~DeliveryWorker();  // stops without draining
    DeliveryWorker(const DeliveryWorker&) = delete;
    DeliveryWorker& operator=(const DeliveryWorker&) = delete;

    void start();
    // Stops the thread. With a positive drain deadline it first tries to deliver everything that
    // is durable, giving up at the deadline (what is left stays in the WAL for the next start).
    void stop(std::chrono::milliseconds drain_deadline);

    uint64_t rowsDelivered() const { return rows_delivered_.load(); }
    uint64_t insertErrors() const { return insert_errors_.load(); }
    bool lastInsertFailed() const { return last_failed_.load(); }

  private:
    struct Group;

    void run();
    bool deliver(Group& group);
    bool insertStream(storage::StreamId stream, const std::string& data, uint32_t rows);
    bool markDelivered(WalPosition end);
    bool abandoning() const;
    bool sleepBackoff();

    WriteAheadLog& wal_;
    storage::RowSink& sink_;
    DeliveryOptions options_;
    DeliveryObserver observer_;
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    std::atomic<int64_t> drain_deadline_ns_{0};
    std::atomic<uint64_t> rows_delivered_{0};
    std::atomic<uint64_t> insert_errors_{0};
    std::atomic<bool> last_failed_{false};

    std::mutex mu_;
    std::condition_variable cv_;  // stop requests and thread exit
    WalPosition drain_target_;    // durable end when a draining stop was requested
    bool exited_ = false;
    std::chrono::milliseconds backoff_{0};  // worker thread only
};

}  // namespace infrasage::wal
