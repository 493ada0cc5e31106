#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "AuditTestUtil.h"
#include "audit/AuditLog.h"
#include "audit/ChainVerifier.h"
#include "common/ApiError.h"

namespace infrasage::audit {
namespace {

using testing::sampleEntry;
using testing::walAuditRecords;

constexpr int64_t kMinuteNs = 60'000'000'000;
// 2024-04-10T12:00:10Z, ten seconds into a minute.
constexpr int64_t kStartNs = 1712750410'000'000'000;

class AuditLogTest : public ::testing::Test {
  protected:
    testing::TempDir dir_;
    ManualClock clock_{kStartNs};
    wal::WriteAheadLog wal_{testing::walOptions(dir_.path())};
};

TEST_F(AuditLogTest, RecordIsInTheWalWhenItReturns) {
    AuditLog log(wal_, clock_);
    log.record(sampleEntry());

    const auto frames = testing::walFrames(wal_);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].stream, storage::kAuditStream);
    EXPECT_EQ(frames[0].row_count, 1u);
    const auto records = walAuditRecords(wal_);
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].entry, sampleEntry());
    EXPECT_EQ(records[0].seq, 0u);
    EXPECT_EQ(records[0].hash, AuditChain::computeHash(records[0]));
    EXPECT_EQ(log.entriesWritten(), 1u);
    EXPECT_EQ(log.entriesFailed(), 0u);
}

TEST_F(AuditLogTest, AZeroTimestampMeansNow) {
    AuditLog log(wal_, clock_);
    AuditEntry entry = sampleEntry();
    entry.timestamp_ms = 0;
    log.record(entry);
    EXPECT_EQ(walAuditRecords(wal_).at(0).entry.timestamp_ms, kStartNs / 1'000'000);
}

TEST_F(AuditLogTest, InvalidEntriesAreRefusedBeforeTheWal) {
    AuditLog log(wal_, clock_);
    AuditEntry entry = sampleEntry();
    entry.outcome = "maybe";
    EXPECT_THROW(log.record(entry), std::invalid_argument);
    entry = sampleEntry();
    entry.timestamp_ms = -5;
    EXPECT_THROW(log.record(entry), std::invalid_argument);
    EXPECT_TRUE(testing::walFrames(wal_).empty());
}

TEST_F(AuditLogTest, ConsecutiveRecordsFormOneChainPerTenant) {
    AuditLog log(wal_, clock_);
    log.record(sampleEntry("a"));
    log.record(sampleEntry("b"));
    log.record(sampleEntry("a"));
    const auto records = walAuditRecords(wal_);
    ASSERT_EQ(records.size(), 3u);
    EXPECT_EQ(records[2].seq, 1u);
    EXPECT_EQ(records[2].prev_hash, records[0].hash);
    EXPECT_EQ(records[1].seq, 0u);
    EXPECT_NE(records[1].chain_id, records[0].chain_id);
}

// A refused entry must reach the caller (who answers 503) and leave no gap in the chain, or
// verification would report tampering for what was only a full disk.
TEST(AuditLogWalFullTest, ARefusedEntryThrows503AndLeavesNoGap) {
    testing::TempDir dir;
    ManualClock clock(kStartNs);
    auto options = testing::walOptions(dir.path());
    options.max_pending_bytes = 1500;
    wal::WriteAheadLog wal(options);
    AuditLog log(wal, clock);

    log.record(sampleEntry());
    AuditEntry big = sampleEntry();
    big.user_agent = std::string(2000, 'x');
    try {
        log.record(big);
        FAIL() << "a record larger than the WAL cap was accepted";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.httpStatus(), 503);
        EXPECT_EQ(e.code(), "audit_unavailable");
        EXPECT_GT(e.retryAfterSeconds(), 0);
    }
    EXPECT_EQ(log.entriesFailed(), 1u);
    log.record(sampleEntry());

    const auto records = walAuditRecords(wal);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[1].seq, 1u);
    EXPECT_EQ(records[1].prev_hash, records[0].hash);
    EXPECT_EQ(log.entriesWritten(), 2u);
}

// Many writers at once: seqs are unique and consecutive in WAL order, and the chain verifies.
// Run with fsync on, as in production; the rate is printed (not asserted: machines differ).
TEST(AuditLogConcurrencyTest, ConcurrentRecordsGetConsecutiveSeqsInWalOrder) {
    testing::TempDir dir;
    wal::WriteAheadLog wal(testing::walOptions(dir.path(), /*fsync=*/true));
    AuditLog log(wal, SystemClock::instance());
    constexpr int kThreads = 32;
    constexpr int kPerThread = 500;

    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&log, t] {
            for (int i = 0; i < kPerThread; ++i) {
                AuditEntry entry = sampleEntry();
                entry.request_id = std::to_string(t) + "-" + std::to_string(i);
                log.record(entry);
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    std::cout << "[ info ] " << kThreads * kPerThread << " fsynced audit entries from " << kThreads
              << " threads: " << static_cast<int>(kThreads * kPerThread / elapsed.count())
              << " entries/s, " << wal.commitCount() << " WAL commits\n";

    const auto records = walAuditRecords(wal);
    ASSERT_EQ(records.size(), static_cast<std::size_t>(kThreads * kPerThread));
    ChainVerifier verifier;
    for (std::size_t i = 0; i < records.size(); ++i) {
        ASSERT_EQ(records[i].seq, i);
        verifier.add(records[i]);
    }
    EXPECT_TRUE(verifier.result().ok);
    EXPECT_EQ(verifier.result().chains, 1u);
    EXPECT_EQ(log.entriesWritten(), records.size());
}

nlohmann::json details(const AuditRecord& r) {
    return nlohmann::json::parse(r.entry.details);
}

IngestionEvent event(std::string_view tenant, std::string_view key, std::string_view action,
                     uint64_t records, std::string_view client_ip) {
    IngestionEvent e;
    e.tenant_id = tenant;
    e.actor = key;
    e.actor_type = "api_key";
    e.action = action;
    e.records = records;
    e.client_ip = client_ip;
    return e;
}

// An accepted telemetry.ingest request from an API key.
void ingest(AuditLog& log, std::string_view tenant, std::string_view key, uint64_t records,
            std::string_view client_ip) {
    log.recordIngestion(event(tenant, key, "telemetry.ingest", records, client_ip));
}

TEST_F(AuditLogTest, IngestionIsSummarisedPerTenantActorAndMinute) {
    AuditLog log(wal_, clock_);
    ingest(log, "a", "isage_key_1", 100, "10.0.0.1");
    ingest(log, "a", "isage_key_1", 50, "10.0.0.2");
    ingest(log, "a", "isage_key_2", 7, "10.0.0.3");
    ingest(log, "b", "isage_key_1", 1, "10.0.0.4");
    EXPECT_EQ(log.flushEndedMinutes(), 0u);  // the minute has not ended
    EXPECT_EQ(log.pendingSummaries(), 3u);

    clock_.set(kStartNs + kMinuteNs);
    ingest(log, "a", "isage_key_1", 3, "10.0.0.1");  // the next minute
    EXPECT_EQ(log.flushEndedMinutes(), 3u);
    EXPECT_EQ(log.pendingSummaries(), 1u);

    const auto records = walAuditRecords(wal_);
    ASSERT_EQ(records.size(), 3u);
    const AuditRecord& key1 = records[0];  // totals are written in (tenant, actor) order
    EXPECT_EQ(key1.entry.tenant_id, "a");
    EXPECT_EQ(key1.entry.actor, "isage_key_1");
    EXPECT_EQ(key1.entry.actor_type, "api_key");
    EXPECT_EQ(key1.entry.action, "telemetry.ingest");
    EXPECT_EQ(key1.entry.outcome, "allowed");
    EXPECT_EQ(key1.entry.client_ip, "10.0.0.2");
    EXPECT_EQ(key1.entry.timestamp_ms, 1712750400000);  // the minute the total covers
    EXPECT_EQ(details(key1), (nlohmann::json{{"records", 150}, {"requests", 2}}));
    EXPECT_EQ(records[1].entry.actor, "isage_key_2");
    EXPECT_EQ(details(records[1]), (nlohmann::json{{"records", 7}, {"requests", 1}}));
    EXPECT_EQ(records[2].entry.tenant_id, "b");

    log.stop();  // flushes the current minute too
    const auto after = walAuditRecords(wal_);
    ASSERT_EQ(after.size(), 4u);
    EXPECT_EQ(after[3].entry.timestamp_ms, 1712750460000);
    EXPECT_EQ(details(after[3]), (nlohmann::json{{"records", 3}, {"requests", 1}}));
    EXPECT_EQ(log.pendingSummaries(), 0u);
}

// A refusal storm under backpressure is one entry per minute and code, apart from the accepted
// requests of the same key and from other actions.
TEST_F(AuditLogTest, BackpressureRefusalsAreSummarisedByActionAndCode) {
    AuditLog log(wal_, clock_);
    IngestionEvent refused = event("a", "isage_key_1", "prometheus.write", 0, "10.0.0.9");
    refused.error_code = "ingestion_backlog_full";
    refused.status = 503;
    for (int i = 0; i < 1000; ++i) {
        log.recordIngestion(refused);
    }
    refused.error_code = "overloaded";
    log.recordIngestion(refused);
    IngestionEvent accepted = event("a", "isage_key_1", "prometheus.write", 2000, "10.0.0.9");
    accepted.status = 204;
    log.recordIngestion(accepted);
    ingest(log, "a", "isage_key_1", 5, "10.0.0.9");
    log.stop();

    const auto records = walAuditRecords(wal_);
    ASSERT_EQ(records.size(), 4u);  // (tenant, actor, minute, action, code) order
    EXPECT_EQ(records[0].entry.action, "prometheus.write");
    EXPECT_EQ(records[0].entry.outcome, "allowed");
    EXPECT_EQ(records[0].entry.status, 204);
    EXPECT_EQ(details(records[0]), (nlohmann::json{{"records", 2000}, {"requests", 1}}));
    EXPECT_EQ(records[1].entry.outcome, "failed");
    EXPECT_EQ(records[1].entry.status, 503);
    EXPECT_EQ(
        details(records[1]),
        (nlohmann::json{{"records", 0}, {"requests", 1000}, {"error", "ingestion_backlog_full"}}));
    EXPECT_EQ(details(records[2]),
              (nlohmann::json{{"records", 0}, {"requests", 1}, {"error", "overloaded"}}));
    EXPECT_EQ(records[3].entry.action, "telemetry.ingest");
    EXPECT_EQ(details(records[3]), (nlohmann::json{{"records", 5}, {"requests", 1}}));
}

TEST_F(AuditLogTest, TheBackgroundThreadFlushesEndedMinutes) {
    AuditLogOptions options;
    options.flush_interval = std::chrono::milliseconds(5);
    AuditLog log(wal_, clock_, options);
    log.start();
    ingest(log, "a", "isage_key_1", 10, "10.0.0.1");
    clock_.set(kStartNs + kMinuteNs);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (log.entriesWritten() == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    EXPECT_EQ(log.entriesWritten(), 1u);
    log.stop();
    EXPECT_EQ(walAuditRecords(wal_).size(), 1u);
}

TEST(AuditLogWalFullTest, RefusedSummariesStayPendingUntilStop) {
    testing::TempDir dir;
    ManualClock clock(kStartNs);
    auto options = testing::walOptions(dir.path());
    options.max_pending_bytes = 1;  // refuses everything
    wal::WriteAheadLog wal(options);
    AuditLog log(wal, clock);

    ingest(log, "a", "isage_key_1", 10, "10.0.0.1");
    clock.set(kStartNs + kMinuteNs);
    EXPECT_EQ(log.flushEndedMinutes(), 0u);
    EXPECT_EQ(log.pendingSummaries(), 1u);
    EXPECT_EQ(log.entriesFailed(), 1u);

    log.stop();  // cannot write them either: lost, counted, and not retried forever
    EXPECT_EQ(log.pendingSummaries(), 0u);
    EXPECT_EQ(log.entriesFailed(), 2u);
    EXPECT_TRUE(walAuditRecords(wal).empty());
}

}  // namespace
}  // namespace infrasage::audit
