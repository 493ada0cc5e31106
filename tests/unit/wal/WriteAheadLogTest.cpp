#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "support/TestEnv.h"
#include "unit/wal/WalTestUtil.h"
#include "wal/WriteAheadLog.h"

namespace infrasage::wal {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using test::readAll;
using test::rowsFrame;

constexpr uint64_t kHeader = 20;

WalOptions optionsFor(const fs::path& dir, bool fsync = false) {
    WalOptions options;
    options.dir = dir;
    options.fsync = fsync;
    options.on_warning = [](const std::string&) {};
    return options;
}

std::vector<fs::path> segmentFiles(const fs::path& dir) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() == ".wal") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

void appendOne(WriteAheadLog& wal, const WalFrame& frame) {
    wal.append(std::span<const WalFrame>(&frame, 1));
}

// Polls a condition that has no notification of its own (a count inside the WAL).
template <typename Pred>
bool eventually(Pred pred) {
    for (int i = 0; i < 10000; ++i) {
        if (pred()) {
            return true;
        }
        std::this_thread::sleep_for(milliseconds(1));
    }
    return pred();
}

WalFrame patternFrame(uint32_t i, size_t size) {
    WalFrame frame;
    frame.stream = static_cast<storage::StreamId>(i % 7);
    frame.row_count = i;
    frame.payload.resize(size);
    for (size_t b = 0; b < size; ++b) {
        frame.payload[b] = static_cast<char>((uint64_t{i} * 31 + b) % 251);
    }
    return frame;
}

TEST(WriteAheadLogTest, RoundTripAcrossSegments) {
    auto dir = testing::makeTempDir("wal-roundtrip");
    WalOptions options = optionsFor(dir);
    options.segment_bytes = 4096;
    std::vector<WalFrame> frames;
    for (uint32_t i = 0; i < 300; ++i) {
        frames.push_back(patternFrame(i, (i * 37) % 1000));
    }
    frames.push_back(patternFrame(300, 200 << 10));  // larger than one read chunk
    frames.push_back(patternFrame(301, 0));          // empty payload
    WriteAheadLog wal(options);
    for (const WalFrame& frame : frames) {
        appendOne(wal, frame);
    }
    EXPECT_GT(segmentFiles(dir).size(), 5u);

    // Small reads cross segment boundaries and respect the budget.
    std::vector<WalRecord> got;
    WalPosition from = wal.deliveredPosition();
    for (;;) {
        auto batch = wal.read(from, 3000, milliseconds(0));
        if (batch.empty()) {
            break;
        }
        uint64_t payload = 0;
        for (const auto& record : batch) {
            payload += record.payload.size();
        }
        EXPECT_TRUE(batch.size() == 1 || payload <= 3000);
        from = batch.back().end;
        for (auto& record : batch) {
            got.push_back(std::move(record));
        }
    }
    ASSERT_EQ(got.size(), frames.size());
    for (size_t i = 0; i < frames.size(); ++i) {
        EXPECT_EQ(got[i].stream, frames[i].stream);
        EXPECT_EQ(got[i].row_count, frames[i].row_count);
        EXPECT_EQ(got[i].payload, frames[i].payload) << "frame " << i;
    }
    EXPECT_EQ(got.back().end, wal.durableEnd());
}

TEST(WriteAheadLogTest, ConcurrentAppendsAreReadBackOnceInPerThreadOrder) {
    auto dir = testing::makeTempDir("wal-concurrent");
    WalOptions options = optionsFor(dir, /*fsync=*/true);
    options.segment_bytes = 16 << 10;
    WriteAheadLog wal(options);
    constexpr uint32_t kThreads = 8;
    constexpr uint32_t kPerThread = 100;
    std::vector<std::thread> threads;
    for (uint32_t t = 0; t < kThreads; ++t) {
        threads.emplace_back([&wal, t] {
            for (uint32_t i = 0; i < kPerThread; ++i) {
                appendOne(wal, rowsFrame(static_cast<storage::StreamId>(t), t * 1000 + i, 1));
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }

    std::vector<std::vector<uint32_t>> per_thread(kThreads);
    for (const auto& record : readAll(wal, wal.deliveredPosition())) {
        for (uint32_t id : test::rowIds(record.payload)) {
            ASSERT_EQ(id / 1000, record.stream);
            per_thread[record.stream].push_back(id % 1000);
        }
    }
    for (uint32_t t = 0; t < kThreads; ++t) {
        ASSERT_EQ(per_thread[t].size(), kPerThread) << "thread " << t;
        for (uint32_t i = 0; i < kPerThread; ++i) {
            EXPECT_EQ(per_thread[t][i], i);
        }
    }
    EXPECT_LE(wal.commitCount(), uint64_t{kThreads} * kPerThread);
}

TEST(WriteAheadLogTest, GroupCommitWritesWaitingAppendsTogether) {
    auto dir = testing::makeTempDir("wal-group");
    std::mutex mu;
    std::condition_variable cv;
    bool entered = false;
    bool released = false;
    int commits_seen = 0;
    WalOptions options = optionsFor(dir, /*fsync=*/true);
    // Hold the first commit until the other appends are queued behind it.
    options.before_commit = [&] {
        std::unique_lock lock(mu);
        if (commits_seen++ > 0) {
            return;
        }
        entered = true;
        cv.notify_all();
        cv.wait(lock, [&] { return released; });
    };
    WriteAheadLog wal(options);
    const WalFrame frame = rowsFrame(1, 0, 10);
    const uint64_t frame_bytes = kHeader + frame.payload.size();

    std::vector<std::thread> threads;
    threads.emplace_back([&] { appendOne(wal, frame); });
    {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return entered; });
    }
    for (int t = 0; t < 7; ++t) {
        threads.emplace_back([&] { appendOne(wal, frame); });
    }
    ASSERT_TRUE(eventually([&] { return wal.pendingBytes() == 8 * frame_bytes; }));
    {
        std::lock_guard lock(mu);
        released = true;
    }
    cv.notify_all();
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(wal.commitCount(), 2u);
    EXPECT_EQ(readAll(wal, wal.deliveredPosition()).size(), 8u);
}

TEST(WriteAheadLogTest, ReopenResumesAtCheckpoint) {
    auto dir = testing::makeTempDir("wal-reopen");
    WalPosition mark;
    WalPosition end;
    {
        WriteAheadLog wal(optionsFor(dir));
        for (uint32_t i = 0; i < 10; ++i) {
            appendOne(wal, rowsFrame(1, i, 1));
        }
        auto records = readAll(wal, wal.deliveredPosition());
        ASSERT_EQ(records.size(), 10u);
        mark = records[4].end;
        wal.markDelivered(mark);
        end = wal.durableEnd();
    }
    WriteAheadLog wal(optionsFor(dir));
    EXPECT_EQ(wal.deliveredPosition(), mark);
    EXPECT_EQ(wal.durableEnd(), end);
    auto records = readAll(wal, wal.deliveredPosition());
    ASSERT_EQ(records.size(), 5u);
    EXPECT_EQ(test::rowIds(records.front().payload).front(), 5u);
    EXPECT_EQ(wal.pendingBytes(), 5 * (kHeader + test::kRowSize));
}

// Writes `count` one-row frames, closes the log and returns the last segment file.
fs::path writeAndClose(const fs::path& dir, uint32_t count) {
    WriteAheadLog wal(optionsFor(dir));
    for (uint32_t i = 0; i < count; ++i) {
        appendOne(wal, rowsFrame(1, i, 1));
    }
    return segmentFiles(dir).back();
}

std::vector<std::string> reopenCollectingWarnings(const fs::path& dir, std::vector<uint32_t>& ids) {
    std::vector<std::string> warnings;
    WalOptions options = optionsFor(dir);
    options.on_warning = [&](const std::string& w) { warnings.push_back(w); };
    WriteAheadLog wal(options);
    for (const auto& record : readAll(wal, wal.deliveredPosition())) {
        for (uint32_t id : test::rowIds(record.payload)) {
            ids.push_back(id);
        }
    }
    // The log stays writable after the repair.
    appendOne(wal, rowsFrame(1, 999, 1));
    auto after = readAll(wal, wal.deliveredPosition());
    EXPECT_EQ(test::rowIds(after.back().payload).front(), 999u);
    return warnings;
}

TEST(WriteAheadLogTest, TornTailIsTruncated) {
    auto dir = testing::makeTempDir("wal-torn");
    const fs::path segment = writeAndClose(dir, 5);
    const uint64_t frame = kHeader + test::kRowSize;
    fs::resize_file(segment, 4 * frame + 7);  // crash in the middle of frame 5
    std::vector<uint32_t> ids;
    auto warnings = reopenCollectingWarnings(dir, ids);
    EXPECT_EQ(ids, (std::vector<uint32_t>{0, 1, 2, 3}));
    EXPECT_EQ(warnings.size(), 1u);
}

TEST(WriteAheadLogTest, GarbageTailIsTruncated) {
    auto dir = testing::makeTempDir("wal-garbage");
    const fs::path segment = writeAndClose(dir, 5);
    std::ofstream(segment, std::ios::app | std::ios::binary)
        << "garbage bytes that do not form a frame";
    std::vector<uint32_t> ids;
    auto warnings = reopenCollectingWarnings(dir, ids);
    EXPECT_EQ(ids, (std::vector<uint32_t>{0, 1, 2, 3, 4}));
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("bad frame magic"), std::string::npos) << warnings[0];
}

void flipByte(const fs::path& file, uint64_t offset) {
    std::fstream stream(file, std::ios::in | std::ios::out | std::ios::binary);
    stream.seekg(static_cast<std::streamoff>(offset));
    char c = 0;
    stream.get(c);
    stream.seekp(static_cast<std::streamoff>(offset));
    stream.put(static_cast<char>(c ^ 0x40));
}

TEST(WriteAheadLogTest, FlippedPayloadByteDropsOnlyTheLastFrame) {
    auto dir = testing::makeTempDir("wal-flip");
    const fs::path segment = writeAndClose(dir, 5);
    flipByte(segment, fs::file_size(segment) - 3);
    std::vector<uint32_t> ids;
    auto warnings = reopenCollectingWarnings(dir, ids);
    EXPECT_EQ(ids, (std::vector<uint32_t>{0, 1, 2, 3}));
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("CRC"), std::string::npos) << warnings[0];
}

TEST(WriteAheadLogTest, CorruptionBeforeTheLastSegmentFailsOpen) {
    auto dir = testing::makeTempDir("wal-corrupt-middle");
    {
        WalOptions options = optionsFor(dir);
        options.segment_bytes = 100;
        WriteAheadLog wal(options);
        for (uint32_t i = 0; i < 20; ++i) {
            appendOne(wal, rowsFrame(1, i, 2));
        }
    }
    auto files = segmentFiles(dir);
    ASSERT_GT(files.size(), 2u);
    flipByte(files[1], kHeader + 2);
    try {
        WriteAheadLog wal(optionsFor(dir));
        FAIL() << "open should refuse a corrupt non-last segment";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(files[1].filename().string()), std::string::npos)
            << e.what();
    }
}

TEST(WriteAheadLogTest, CapRejectsAppendsUntilDeliveryFreesSpace) {
    auto dir = testing::makeTempDir("wal-cap");
    WalOptions options = optionsFor(dir);
    const WalFrame frame = rowsFrame(1, 0, 100);
    const uint64_t frame_bytes = kHeader + frame.payload.size();
    options.max_pending_bytes = 10 * frame_bytes;
    WriteAheadLog wal(options);
    for (int i = 0; i < 10; ++i) {
        appendOne(wal, frame);
    }
    EXPECT_EQ(wal.pendingBytes(), 10 * frame_bytes);
    EXPECT_THROW(appendOne(wal, frame), WalFullError);
    EXPECT_EQ(wal.pendingBytes(), 10 * frame_bytes);
    EXPECT_TRUE(wal.full());

    auto records = readAll(wal, wal.deliveredPosition());
    wal.markDelivered(records[2].end);
    EXPECT_FALSE(wal.full());
    EXPECT_EQ(wal.pendingBytes(), 7 * frame_bytes);
    appendOne(wal, frame);
    appendOne(wal, frame);
    appendOne(wal, frame);
    EXPECT_THROW(appendOne(wal, frame), WalFullError);
}

TEST(WriteAheadLogTest, ConcurrentAppendsNeverPassTheCap) {
    auto dir = testing::makeTempDir("wal-cap-concurrent");
    WalOptions options = optionsFor(dir);
    const WalFrame frame = rowsFrame(1, 0, 50);
    const uint64_t frame_bytes = kHeader + frame.payload.size();
    options.max_pending_bytes = 37 * frame_bytes + 5;
    WriteAheadLog wal(options);
    std::atomic<int> accepted{0};
    std::vector<std::thread> threads;
    threads.reserve(8);
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 10; ++i) {
                try {
                    appendOne(wal, frame);
                    ++accepted;
                } catch (const WalFullError&) {
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(accepted.load(), 37);
    EXPECT_EQ(readAll(wal, wal.deliveredPosition()).size(), 37u);
}

TEST(WriteAheadLogTest, DeliveredSegmentsAreDeleted) {
    auto dir = testing::makeTempDir("wal-delete");
    WalOptions options = optionsFor(dir);
    options.segment_bytes = 200;
    WriteAheadLog wal(options);
    for (uint32_t i = 0; i < 40; ++i) {
        appendOne(wal, rowsFrame(1, i, 4));
    }
    const size_t before = segmentFiles(dir).size();
    ASSERT_GT(before, 5u);
    auto records = readAll(wal, wal.deliveredPosition());
    const WalPosition mark = records[30].end;
    wal.markDelivered(mark);
    auto files = segmentFiles(dir);
    EXPECT_LT(files.size(), before);
    for (const auto& file : files) {
        EXPECT_GE(std::stoull(file.stem().string()), mark.segment) << file;
    }
    // What is left still reads back from the checkpoint.
    auto rest = readAll(wal, wal.deliveredPosition());
    ASSERT_EQ(rest.size(), 9u);
    EXPECT_EQ(test::rowIds(rest.front().payload).front(), 31u);
}

TEST(WriteAheadLogTest, ReadWaitsForAnAppend) {
    auto dir = testing::makeTempDir("wal-wait");
    WriteAheadLog wal(optionsFor(dir));
    EXPECT_TRUE(wal.read(wal.deliveredPosition(), 1 << 20, milliseconds(0)).empty());
    std::vector<WalRecord> got;
    std::thread reader(
        [&] { got = wal.read(wal.deliveredPosition(), 1 << 20, std::chrono::seconds(30)); });
    appendOne(wal, rowsFrame(3, 42, 1));
    reader.join();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].stream, 3);
}

}  // namespace
}  // namespace infrasage::wal

namespace infrasage::wal {
namespace {

TEST(WriteAheadLogTest, ASecondOpenOfTheSameDirectoryIsRefusedUntilTheFirstCloses) {
    auto dir = testing::makeTempDir("wal-lock");
    auto first = std::make_unique<WriteAheadLog>(optionsFor(dir));
    EXPECT_THROW(WriteAheadLog{optionsFor(dir)}, std::runtime_error);
    first.reset();
    EXPECT_NO_THROW(WriteAheadLog{optionsFor(dir)});
}

}  // namespace
}  // namespace infrasage::wal
