#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "support/TestEnv.h"
#include "unit/wal/WalTestUtil.h"
#include "wal/DeliveryWorker.h"

namespace infrasage::wal {
namespace {

using std::chrono::milliseconds;
using test::RecordingSink;
using test::rowsFrame;

WalOptions walOptions(const std::filesystem::path& dir) {
    WalOptions options;
    options.dir = dir;
    options.fsync = false;
    options.on_warning = [](const std::string&) {};
    return options;
}

DeliveryOptions fastOptions() {
    DeliveryOptions options;
    options.target_rows = 1000;
    options.max_delay = milliseconds(20);
    options.initial_backoff = milliseconds(1);
    options.max_backoff = milliseconds(8);
    return options;
}

void appendOne(WriteAheadLog& wal, const WalFrame& frame) {
    wal.append(std::span<const WalFrame>(&frame, 1));
}

// Every id in [0, count) arrived exactly once.
void expectExactlyOnce(const RecordingSink& sink, uint32_t count) {
    auto counts = sink.idCounts();
    ASSERT_EQ(counts.size(), count);
    for (const auto& [id, n] : counts) {
        EXPECT_EQ(n, 1) << "row " << id;
    }
}

TEST(DeliveryWorkerTest, DeliversEveryRowOnceToItsStream) {
    WriteAheadLog wal(walOptions(testing::makeTempDir("delivery-all")));
    RecordingSink sink;
    // Stream of a row: id % 3; 300 frames of 10 rows, half before and half during delivery.
    auto frameAt = [](uint32_t f) {
        auto frame = rowsFrame(0, f * 10, 10);
        frame.stream = static_cast<storage::StreamId>(f % 3);
        return frame;
    };
    for (uint32_t f = 0; f < 150; ++f) {
        appendOne(wal, frameAt(f));
    }
    DeliveryWorker worker(wal, sink, fastOptions());
    worker.start();
    std::thread producer([&] {
        for (uint32_t f = 150; f < 300; ++f) {
            appendOne(wal, frameAt(f));
        }
    });
    producer.join();
    ASSERT_TRUE(sink.waitForRows(3000));
    worker.stop(milliseconds(0));

    std::map<uint32_t, storage::StreamId> streams;
    auto counts = sink.idCounts(&streams);
    ASSERT_EQ(counts.size(), 3000u);
    for (const auto& [id, n] : counts) {
        EXPECT_EQ(n, 1) << "row " << id;
        EXPECT_EQ(streams[id], (id / 10) % 3) << "row " << id;
    }
    EXPECT_EQ(worker.rowsDelivered(), 3000u);
    EXPECT_EQ(wal.deliveredPosition(), wal.durableEnd());
    EXPECT_EQ(wal.pendingBytes(), 0u);
}

TEST(DeliveryWorkerTest, BatchesSmallAppendsIntoFewInserts) {
    WriteAheadLog wal(walOptions(testing::makeTempDir("delivery-batch")));
    RecordingSink sink;
    for (uint32_t i = 0; i < 10; ++i) {
        appendOne(wal, rowsFrame(1, i * 100, 100));
    }
    DeliveryWorker worker(wal, sink, fastOptions());
    worker.start();
    ASSERT_TRUE(sink.waitForRows(1000));
    worker.stop(milliseconds(0));
    EXPECT_LE(sink.inserts().size(), 2u);
    expectExactlyOnce(sink, 1000);
}

TEST(DeliveryWorkerTest, IdleFlushDeliversASingleRow) {
    WriteAheadLog wal(walOptions(testing::makeTempDir("delivery-idle")));
    RecordingSink sink;
    DeliveryOptions options = fastOptions();
    options.target_rows = 10000;
    options.max_delay = milliseconds(100);
    DeliveryWorker worker(wal, sink, options);
    worker.start();
    appendOne(wal, rowsFrame(2, 7, 1));
    ASSERT_TRUE(sink.waitForRows(1, std::chrono::seconds(10)));
    worker.stop(milliseconds(0));
    ASSERT_EQ(sink.inserts().size(), 1u);
    EXPECT_EQ(sink.inserts()[0].stream, 2);
}

TEST(DeliveryWorkerTest, FailedInsertsAreRetriedWithoutLoss) {
    WriteAheadLog wal(walOptions(testing::makeTempDir("delivery-retry")));
    RecordingSink sink;
    sink.failNext(3);
    for (uint32_t i = 0; i < 5; ++i) {
        appendOne(wal, rowsFrame(1, i * 10, 10));
    }
    int errors_seen = 0;
    DeliveryObserver observer;
    observer.on_error = [&](const std::exception&) { ++errors_seen; };
    DeliveryWorker worker(wal, sink, fastOptions(), observer);
    worker.start();
    ASSERT_TRUE(sink.waitForRows(50));
    worker.stop(milliseconds(0));
    expectExactlyOnce(sink, 50);
    EXPECT_EQ(worker.insertErrors(), 3u);
    EXPECT_EQ(errors_seen, 3);
    EXPECT_FALSE(worker.lastInsertFailed());
}

TEST(DeliveryWorkerTest, OnlyTheFailedStreamOfAGroupIsRetried) {
    WriteAheadLog wal(walOptions(testing::makeTempDir("delivery-partial")));
    RecordingSink sink;
    sink.failStream(2, 1);
    appendOne(wal, rowsFrame(1, 0, 10));
    appendOne(wal, rowsFrame(2, 10, 10));
    appendOne(wal, rowsFrame(1, 20, 10));
    DeliveryWorker worker(wal, sink, fastOptions());
    worker.start();
    ASSERT_TRUE(sink.waitForRows(30));
    worker.stop(milliseconds(0));
    expectExactlyOnce(sink, 30);
    size_t stream1_inserts = 0;
    for (const auto& insert : sink.inserts()) {
        stream1_inserts += insert.stream == 1 ? 1 : 0;
    }
    EXPECT_EQ(stream1_inserts, 1u);
    EXPECT_EQ(worker.insertErrors(), 1u);
}

TEST(DeliveryWorkerTest, RestartDeliversEachRowOnce) {
    const auto dir = testing::makeTempDir("delivery-restart");
    RecordingSink sink;
    {
        WriteAheadLog wal(walOptions(dir));
        for (uint32_t i = 0; i < 10; ++i) {
            appendOne(wal, rowsFrame(1, i * 10, 10));
        }
        DeliveryWorker worker(wal, sink, fastOptions());
        worker.start();
        ASSERT_TRUE(sink.waitForRows(100));
        worker.stop(milliseconds(0));  // no drain; the group it inserted is marked delivered
        for (uint32_t i = 10; i < 20; ++i) {
            appendOne(wal, rowsFrame(1, i * 10, 10));
        }
    }
    WriteAheadLog wal(walOptions(dir));
    DeliveryWorker worker(wal, sink, fastOptions());
    worker.start();
    ASSERT_TRUE(sink.waitForRows(200));
    worker.stop(milliseconds(0));
    expectExactlyOnce(sink, 200);
}

TEST(DeliveryWorkerTest, StopWithDrainDeliversWhatIsDurable) {
    WriteAheadLog wal(walOptions(testing::makeTempDir("delivery-drain")));
    RecordingSink sink;
    DeliveryOptions options = fastOptions();
    options.target_rows = 1000000;
    options.max_delay = std::chrono::hours(1);
    DeliveryWorker worker(wal, sink, options);
    for (uint32_t i = 0; i < 50; ++i) {
        appendOne(wal, rowsFrame(1, i * 4, 4));
    }
    worker.start();
    worker.stop(std::chrono::seconds(30));
    expectExactlyOnce(sink, 200);
    EXPECT_EQ(wal.pendingBytes(), 0u);
}

TEST(DeliveryWorkerTest, StopInterruptsBackoffAndKeepsData) {
    WriteAheadLog wal(walOptions(testing::makeTempDir("delivery-stop")));
    RecordingSink sink;
    sink.failNext(1000000);
    std::mutex mu;
    std::condition_variable cv;
    int errors = 0;
    DeliveryObserver observer;
    observer.on_error = [&](const std::exception&) {
        std::lock_guard lock(mu);
        ++errors;
        cv.notify_all();
    };
    DeliveryOptions options = fastOptions();
    options.initial_backoff = std::chrono::hours(1);
    options.max_backoff = std::chrono::hours(1);
    DeliveryWorker worker(wal, sink, options, observer);
    const WalPosition start = wal.deliveredPosition();
    appendOne(wal, rowsFrame(1, 0, 10));
    worker.start();
    {
        std::unique_lock lock(mu);
        ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return errors > 0; }));
    }
    worker.stop(milliseconds(0));  // returns although the worker sleeps an hour
    EXPECT_TRUE(worker.lastInsertFailed());
    EXPECT_EQ(worker.rowsDelivered(), 0u);
    EXPECT_GT(wal.pendingBytes(), 0u);
    EXPECT_EQ(wal.deliveredPosition(), start);
}

}  // namespace
}  // namespace infrasage::wal
