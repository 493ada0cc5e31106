// audit/AuditLog: writes audit entries through the same durable path as telemetry: each entry is
// linked into its tenant's hash chain (audit/AuditChain), encoded as a RowBinary row and appended
// to the write-ahead log under stream storage::kAuditStream; the DeliveryWorker inserts it into
// infrasage_audit_log, retrying while ClickHouse is down. record() returns once the entry is
// fsynced. Concurrent callers share WAL appends (group commit: one caller appends everything that
// queued while the previous append ran), and linking and appending happen under one writer, so
// seq order always equals WAL order.
// Ingestion is summarised: recordIngestion() adds to an in-memory total per (tenant, actor, minute,
// action, refusal code) that becomes one entry when the minute has ended (background thread) or at
// stop(). Refusals for backpressure are summarised too: they come in storms exactly when the WAL
// is full, so one entry each would be refused as well, and the client would be told about the
// audit trail instead of the overload. Totals wait in memory until the WAL takes them.
// Depends on: audit/AuditChain, audit/AuditRowCodec, wal/WriteAheadLog, common/Clock.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include "audit/AuditChain.h"
#include "audit/AuditEntry.h"
#include "common/Clock.h"
#include "wal/WriteAheadLog.h"

namespace infrasage::audit {

// One ingestion request for the per-minute summary.
struct IngestionEvent {
    std::string_view tenant_id;
    std::string_view actor;
    std::string_view actor_type;
    std::string_view action;      // the route's action: telemetry.ingest, prometheus.write, ...
    std::string_view error_code;  // empty when accepted; else the refusal code (overloaded, ...)
    uint16_t status = 200;
    uint64_t records = 0;  // records made durable
    std::string_view client_ip;
};

struct AuditLogOptions {
    // How often the background thread looks for ended minutes to flush.
    std::chrono::milliseconds flush_interval{1000};
};

class AuditLog {
  public:
    AuditLog(wal::WriteAheadLog& wal, const Clock& clock, AuditLogOptions options = {});
    ~AuditLog();  // stop()
    AuditLog(const AuditLog&) = delete;
    AuditLog& operator=(const AuditLog&) = delete;

    // Durable when it returns. A zero timestamp_ms means now. Throws std::invalid_argument for an
    // outcome other than allowed/denied/failed or a timestamp outside DateTime's range, and
    // ApiError 503 `audit_unavailable` when the WAL refuses the entry (full or failing): the
    // caller must then refuse the request it was auditing. Refusals count in entriesFailed().
    void record(AuditEntry entry);

    // Adds to the (tenant, actor, current minute, action, error code) total. Cheap; never blocks
    // on I/O.
    void recordIngestion(const IngestionEvent& event);

    // Writes one entry per total whose minute has ended by the clock; returns how many. Totals
    // the WAL refuses stay pending for the next call (and count in entriesFailed()). The
    // background thread calls this; tests may call it directly.
    std::size_t flushEndedMinutes();

    void start();  // the summary thread
    // Stops the thread and writes every pending total, the current minute's included. What the
    // WAL refuses then is lost, logged and counted in entriesFailed().
    void stop();

    uint64_t entriesWritten() const { return written_.load(std::memory_order_relaxed); }
    uint64_t entriesFailed() const { return failed_.load(std::memory_order_relaxed); }
    std::size_t pendingSummaries() const;

  private:
    struct Waiter;
    // tenant, actor, minute ms, action, error code
    using SummaryKey = std::tuple<std::string, std::string, int64_t, std::string, std::string>;
    struct Summary {
        std::string actor_type;
        std::string client_ip;  // the most recent one
        uint16_t status = 200;  // the most recent one
        uint64_t records = 0;
        uint64_t requests = 0;

        void merge(const Summary& other);
    };

    int64_t nowMs() const;
    void write(std::vector<AuditRecord> records);
    std::exception_ptr appendBatch(std::vector<Waiter*>& batch);
    std::size_t flushSummaries(int64_t before_minute_ms);
    void run();

    wal::WriteAheadLog& wal_;
    const Clock& clock_;
    AuditLogOptions options_;
    AuditChain chain_;

    std::mutex write_mu_;  // queue_ and writing_
    std::condition_variable write_cv_;
    std::vector<Waiter*> queue_;
    bool writing_ = false;

    mutable std::mutex summary_mu_;
    std::map<SummaryKey, Summary> summaries_;

    std::mutex thread_mu_;
    std::condition_variable thread_cv_;
    bool stopping_ = false;
    std::thread thread_;

    std::atomic<uint64_t> written_{0};
    std::atomic<uint64_t> failed_{0};
};

}  // namespace infrasage::audit
