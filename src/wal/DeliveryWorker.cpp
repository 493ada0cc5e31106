#include "wal/DeliveryWorker.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace infrasage::wal {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Poll interval of an idle worker; stop() wakes it sooner through WriteAheadLog::wakeReaders.
constexpr std::chrono::milliseconds kIdleWait{500};

int64_t steadyNowNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               SteadyClock::now().time_since_epoch())
        .count();
}

struct StreamBatch {
    std::string data;
    uint32_t rows = 0;
    bool inserted = false;
};

}  // namespace

// Frames read but not yet in ClickHouse, concatenated per stream (RowBinary rows concatenate).
struct DeliveryWorker::Group {
    std::map<storage::StreamId, StreamBatch> streams;
    uint64_t rows = 0;
    uint64_t bytes = 0;
    WalPosition end;
    SteadyClock::time_point first_arrival;

    bool empty() const { return streams.empty(); }

    void add(WalRecord&& record) {
        if (empty()) {
            first_arrival = SteadyClock::now();
        }
        bytes += record.payload.size();
        StreamBatch& batch = streams[record.stream];
        if (batch.data.empty()) {
            batch.data = std::move(record.payload);
        } else {
            batch.data += record.payload;
        }
        batch.rows += record.row_count;
        rows += record.row_count;
        end = record.end;
    }
};

DeliveryWorker::DeliveryWorker(WriteAheadLog& wal, storage::RowSink& sink, DeliveryOptions options,
                               DeliveryObserver observer)
    : wal_(wal), sink_(sink), options_(options), observer_(std::move(observer)) {}

DeliveryWorker::~DeliveryWorker() {
    stop(std::chrono::milliseconds(0));
}

void DeliveryWorker::start() {
    if (thread_.joinable()) {
        return;
    }
    {
        std::lock_guard lock(mu_);
        exited_ = false;
        stopping_ = false;
        drain_deadline_ns_ = 0;
    }
    thread_ = std::thread([this] { run(); });
}

void DeliveryWorker::stop(std::chrono::milliseconds drain_deadline) {
    if (!thread_.joinable()) {
        return;
    }
    {
        std::lock_guard lock(mu_);
        if (drain_deadline.count() > 0) {
            drain_target_ = wal_.durableEnd();
            drain_deadline_ns_ =
                steadyNowNs() +
                std::chrono::duration_cast<std::chrono::nanoseconds>(drain_deadline).count();
        } else {
            drain_deadline_ns_ = 0;
        }
        stopping_ = true;
    }
    cv_.notify_all();
    // The worker may enter a blocking WAL read just after checking stopping_, missing a single
    // wake-up; keep waking readers until it has left its loop.
    std::unique_lock lock(mu_);
    while (!exited_) {
        lock.unlock();
        wal_.wakeReaders();
        lock.lock();
        cv_.wait_for(lock, std::chrono::milliseconds(20), [&] { return exited_; });
    }
    lock.unlock();
    thread_.join();
}

bool DeliveryWorker::abandoning() const {
    if (!stopping_) {
        return false;
    }
    const int64_t deadline = drain_deadline_ns_;
    return deadline == 0 || steadyNowNs() >= deadline;
}

void DeliveryWorker::run() {
    WalPosition position = wal_.deliveredPosition();
    Group group;
    backoff_ = options_.initial_backoff;
    while (!abandoning()) {
        WalPosition drain_target;
        const bool draining = stopping_;
        if (draining) {
            std::lock_guard lock(mu_);
            drain_target = drain_target_;
        }
        std::chrono::milliseconds wait = kIdleWait;
        if (draining) {
            wait = std::chrono::milliseconds(0);
        } else if (!group.empty()) {
            wait = std::max(std::chrono::milliseconds(0),
                            std::chrono::duration_cast<std::chrono::milliseconds>(
                                group.first_arrival + options_.max_delay - SteadyClock::now()));
        }
        const uint64_t budget =
            group.bytes < options_.max_group_bytes ? options_.max_group_bytes - group.bytes : 0;
        std::vector<WalRecord> records;
        if (!draining || position < drain_target) {
            try {
                records = wal_.read(position, budget, wait);
            } catch (const std::exception& e) {
                if (observer_.on_error) {
                    observer_.on_error(e);
                }
                if (!sleepBackoff()) {
                    break;
                }
                continue;
            }
        }
        for (WalRecord& record : records) {
            position = record.end;
            group.add(std::move(record));
        }
        // Draining: nothing more to read up to the target means flush now and then finish.
        const bool drained = draining && (records.empty() || !(position < drain_target));
        if (!group.empty() &&
            (group.rows >= options_.target_rows || group.bytes >= options_.max_group_bytes ||
             SteadyClock::now() >= group.first_arrival + options_.max_delay || drained)) {
            if (!deliver(group)) {
                break;
            }
            group = Group{};
        } else if (drained && group.empty()) {
            break;
        }
    }
    {
        std::lock_guard lock(mu_);
        exited_ = true;
    }
    cv_.notify_all();
}

// Inserts every stream of the group not inserted yet, then advances the checkpoint. Returns false
// when stopping interrupted it; what was not marked delivered is read again on the next start.
bool DeliveryWorker::deliver(Group& group) {
    for (auto& [stream, batch] : group.streams) {
        // A stop does not interrupt a group between healthy inserts: finishing it is quick and
        // avoids re-inserting its first streams on the next start. Only failures give up.
        while (!batch.inserted) {
            batch.inserted = insertStream(stream, batch.data, batch.rows);
            if (!batch.inserted && !sleepBackoff()) {
                return false;
            }
        }
    }
    return markDelivered(group.end);
}

bool DeliveryWorker::insertStream(storage::StreamId stream, const std::string& data,
                                  uint32_t rows) {
    const auto started = SteadyClock::now();
    try {
        sink_.insert(stream, data, rows);
    } catch (const std::exception& e) {
        ++insert_errors_;
        last_failed_ = true;
        if (observer_.on_error) {
            observer_.on_error(e);
        }
        return false;
    }
    rows_delivered_ += rows;
    last_failed_ = false;
    backoff_ = options_.initial_backoff;
    if (observer_.on_insert) {
        observer_.on_insert(
            stream, rows,
            std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - started));
    }
    return true;
}

// Everything in the group is in ClickHouse at this point; give up only when told to stop without
// draining, since a group inserted but not marked is duplicated by the next start.
bool DeliveryWorker::markDelivered(WalPosition end) {
    for (;;) {
        try {
            wal_.markDelivered(end);
            return true;
        } catch (const std::exception& e) {
            if (observer_.on_error) {
                observer_.on_error(e);
            }
            if (!sleepBackoff()) {
                return false;
            }
        }
    }
}

// Sleeps for the current backoff (cut short by stop or the drain deadline), then doubles it.
// Returns false when the worker should give up.
bool DeliveryWorker::sleepBackoff() {
    auto until = SteadyClock::now() + backoff_;
    backoff_ = std::min(backoff_ * 2, options_.max_backoff);
    std::unique_lock lock(mu_);
    const int64_t deadline = drain_deadline_ns_;
    if (stopping_ && deadline != 0) {
        until = std::min(until, SteadyClock::time_point(std::chrono::nanoseconds(deadline)));
    }
    cv_.wait_until(lock, until, [&] { return abandoning(); });
    return !abandoning();
}

}  // namespace infrasage::wal
