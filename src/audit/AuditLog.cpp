#include "audit/AuditLog.h"

#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>

#include "audit/AuditRowCodec.h"
#include "common/ApiError.h"
#include "observability/Log.h"
#include "storage/Streams.h"

namespace infrasage::audit {

namespace {

constexpr int64_t kMinuteMs = 60'000;

ApiError unavailable(const std::string& why) {
    return ApiError(503, "audit_unavailable",
                    "the audit log cannot be written (" + why + "); retry later")
        .withRetryAfter(5);
}

}  // namespace

// One caller of write(): its records, and the outcome the writer that appended them reports.
struct AuditLog::Waiter {
    std::vector<AuditRecord> records;
    bool done = false;
    std::exception_ptr error;
};

AuditLog::AuditLog(wal::WriteAheadLog& wal, const Clock& clock, AuditLogOptions options)
    : wal_(wal), clock_(clock), options_(options) {}

AuditLog::~AuditLog() {
    stop();
}

int64_t AuditLog::nowMs() const {
    return clock_.nowNanos() / 1'000'000;
}

void AuditLog::record(AuditEntry entry) {
    if (!isValidOutcome(entry.outcome)) {
        throw std::invalid_argument("audit outcome must be allowed, denied or failed");
    }
    if (entry.timestamp_ms == 0) {
        entry.timestamp_ms = nowMs();
    }
    // Checked here, not when the batch is encoded, so one bad entry cannot fail other callers.
    if (entry.timestamp_ms < 0 || entry.timestamp_ms > AuditRowCodec::kMaxTimestampMs) {
        throw std::invalid_argument("audit timestamp out of DateTime range");
    }
    std::vector<AuditRecord> records(1);
    records.front().entry = std::move(entry);
    write(std::move(records));
}

void AuditLog::write(std::vector<AuditRecord> records) {
    const std::size_t count = records.size();
    Waiter me;
    me.records = std::move(records);
    std::unique_lock lock(write_mu_);
    queue_.push_back(&me);
    while (!me.done) {
        if (writing_) {
            write_cv_.wait(lock);
            continue;
        }
        // Become the writer for everything queued so far, our own records included.
        writing_ = true;
        std::vector<Waiter*> batch;
        batch.swap(queue_);
        lock.unlock();
        const std::exception_ptr error = appendBatch(batch);
        lock.lock();
        for (Waiter* waiter : batch) {
            waiter->error = error;
            waiter->done = true;
        }
        writing_ = false;
        write_cv_.notify_all();
    }
    lock.unlock();
    if (!me.error) {
        written_.fetch_add(count, std::memory_order_relaxed);
        return;
    }
    failed_.fetch_add(count, std::memory_order_relaxed);
    try {
        std::rethrow_exception(me.error);
    } catch (const wal::WalFullError&) {
        throw unavailable("local buffer full");
    } catch (const std::exception&) {
        throw unavailable("write-ahead log failure");
    }
}

// Runs on one writer at a time, so link order is WAL order. On failure the links are taken back:
// the chain never has a gap for entries that were refused. Never throws: an exception escaping
// here would leave the other waiters of the batch blocked.
std::exception_ptr AuditLog::appendBatch(std::vector<Waiter*>& batch) {
    std::vector<AuditRecord> all;
    bool linked = false;
    try {
        for (Waiter* waiter : batch) {
            for (AuditRecord& record : waiter->records) {
                all.push_back(std::move(record));
            }
        }
        chain_.link(all);
        linked = true;
        wal::WalFrame frame;
        frame.stream = storage::kAuditStream;
        frame.row_count = static_cast<uint32_t>(all.size());
        AuditRowCodec::encode(all, frame.payload);
        wal_.append({&frame, 1});
        return nullptr;
    } catch (const std::exception& e) {
        if (linked) {
            chain_.unlink(all);
        }
        observability::logWarn("audit entries refused by the write-ahead log",
                               {{"entries", all.size()}, {"error", e.what()}});
        return std::current_exception();
    }
}

void AuditLog::Summary::merge(const Summary& other) {
    actor_type = other.actor_type;
    if (!other.client_ip.empty()) {
        client_ip = other.client_ip;
    }
    status = other.status;
    records += other.records;
    requests += other.requests;
}

void AuditLog::recordIngestion(const IngestionEvent& event) {
    const int64_t minute = nowMs() / kMinuteMs * kMinuteMs;
    Summary one;
    one.actor_type = event.actor_type;
    one.client_ip = event.client_ip;
    one.status = event.status;
    one.records = event.records;
    one.requests = 1;
    std::lock_guard lock(summary_mu_);
    summaries_[SummaryKey{event.tenant_id, event.actor, minute, event.action, event.error_code}]
        .merge(one);
}

std::size_t AuditLog::flushEndedMinutes() {
    return flushSummaries(nowMs() / kMinuteMs * kMinuteMs);
}

std::size_t AuditLog::flushSummaries(int64_t before_minute_ms) {
    std::vector<std::pair<SummaryKey, Summary>> due;
    {
        std::lock_guard lock(summary_mu_);
        for (auto it = summaries_.begin(); it != summaries_.end();) {
            if (std::get<2>(it->first) < before_minute_ms) {
                due.emplace_back(it->first, std::move(it->second));
                it = summaries_.erase(it);
            } else {
                ++it;
            }
        }
    }
    if (due.empty()) {
        return 0;
    }
    std::vector<AuditRecord> records(due.size());
    for (std::size_t i = 0; i < due.size(); ++i) {
        const auto& [key, summary] = due[i];
        const auto& [tenant, actor, minute, action, error_code] = key;
        AuditEntry& e = records[i].entry;
        e.tenant_id = tenant;
        e.actor = actor;
        e.timestamp_ms = minute;  // the minute the total covers
        e.actor_type = summary.actor_type;
        e.action = action;
        e.resource = "telemetry";
        e.outcome = error_code.empty() ? kAllowed : kFailed;
        e.status = summary.status;
        e.client_ip = summary.client_ip;
        nlohmann::json details{{"records", summary.records}, {"requests", summary.requests}};
        if (!error_code.empty()) {
            details["error"] = error_code;
        }
        e.details = details.dump();
    }
    try {
        write(std::move(records));
        return due.size();
    } catch (const ApiError&) {
        // Put the totals back (merging with what arrived meanwhile) for the next attempt.
        std::lock_guard lock(summary_mu_);
        for (auto& [key, summary] : due) {
            auto [it, fresh] = summaries_.try_emplace(key, summary);
            if (!fresh) {  // what arrived meanwhile is the more recent
                Summary newer = std::move(it->second);
                it->second = std::move(summary);
                it->second.merge(newer);
            }
        }
        return 0;
    }
}

std::size_t AuditLog::pendingSummaries() const {
    std::lock_guard lock(summary_mu_);
    return summaries_.size();
}

void AuditLog::start() {
    std::lock_guard lock(thread_mu_);
    if (thread_.joinable()) {
        return;
    }
    stopping_ = false;
    thread_ = std::thread([this] { run(); });
}

void AuditLog::run() {
    std::unique_lock lock(thread_mu_);
    while (!thread_cv_.wait_for(lock, options_.flush_interval, [this] { return stopping_; })) {
        lock.unlock();
        flushEndedMinutes();
        lock.lock();
    }
}

void AuditLog::stop() {
    {
        std::lock_guard lock(thread_mu_);
        stopping_ = true;
    }
    thread_cv_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
    flushSummaries(std::numeric_limits<int64_t>::max());
    const std::size_t lost = pendingSummaries();
    if (lost > 0) {
        std::lock_guard lock(summary_mu_);
        summaries_.clear();
        observability::logError("audit ingestion summaries lost at shutdown", {{"entries", lost}});
    }
}

}  // namespace infrasage::audit
