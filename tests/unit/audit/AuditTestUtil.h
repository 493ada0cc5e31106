// Test helpers for the audit unit tests: a filled-in entry, a WAL in a fresh temporary directory,
// and reading the audit rows a WAL holds back out of it.
#pragma once

#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "audit/AuditEntry.h"
#include "audit/AuditRowCodec.h"
#include "storage/Streams.h"
#include "wal/WriteAheadLog.h"

namespace infrasage::audit::testing {

inline AuditEntry sampleEntry(std::string tenant = "acme-corp",
                              std::string action = "apikey.create") {
    AuditEntry e;
    e.timestamp_ms = 1712750400123;
    e.tenant_id = std::move(tenant);
    e.actor = "alice@mycompany.com";
    e.actor_type = "user";
    e.action = std::move(action);
    e.resource = "/api/v1/apikeys";
    e.outcome = "allowed";
    e.status = 201;
    e.client_ip = "10.0.0.7";
    e.user_agent = "curl/8.0";
    e.request_id = "req-1";
    e.details = R"({"key_id":"isage_key_abc123"})";
    return e;
}

// A directory under the system temp dir, removed on destruction.
class TempDir {
  public:
    TempDir() {
        std::random_device rd;
        path_ = std::filesystem::temp_directory_path() /
                ("audit-test-" + std::to_string(rd()) + "-" + std::to_string(rd()));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

inline wal::WalOptions walOptions(const std::filesystem::path& dir, bool fsync = false) {
    wal::WalOptions options;
    options.dir = dir;
    options.fsync = fsync;
    return options;
}

// Every frame in the WAL, in order.
inline std::vector<wal::WalRecord> walFrames(wal::WriteAheadLog& wal) {
    std::vector<wal::WalRecord> frames;
    wal::WalPosition from;
    for (;;) {
        auto batch = wal.read(from, 1 << 20, std::chrono::milliseconds(0));
        if (batch.empty()) {
            return frames;
        }
        from = batch.back().end;
        for (auto& frame : batch) {
            frames.push_back(std::move(frame));
        }
    }
}

// The audit rows of every audit frame, in WAL order.
inline std::vector<AuditRecord> walAuditRecords(wal::WriteAheadLog& wal) {
    std::vector<AuditRecord> records;
    for (const auto& frame : walFrames(wal)) {
        if (frame.stream != storage::kAuditStream) {
            continue;
        }
        auto rows = AuditRowCodec::decode(frame.payload);
        if (rows.size() != frame.row_count) {
            throw std::runtime_error("frame row_count does not match its rows");
        }
        records.insert(records.end(), rows.begin(), rows.end());
    }
    return records;
}

}  // namespace infrasage::audit::testing
