// Micro-benchmarks of the write-ahead log: group-committed append throughput with a real fsync
// (frames of 100 KB, about 1000 RowBinary rows, as the ingestion path produces them) from 1 and 8
// threads, and the read-back rate the delivery worker gets. Set INFRASAGE_BENCH_DIR to measure a
// particular disk (default: the system temp directory).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "wal/WriteAheadLog.h"

namespace {

using infrasage::wal::WalFrame;
using infrasage::wal::WalOptions;
using infrasage::wal::WalPosition;
using infrasage::wal::WriteAheadLog;

constexpr size_t kFrameBytes = 100 << 10;
constexpr uint32_t kFrameRows = 1000;
constexpr uint64_t kHeaderBytes = 20;

std::filesystem::path benchRoot() {
    const char* dir = std::getenv("INFRASAGE_BENCH_DIR");
    std::filesystem::path root = (dir != nullptr && *dir != '\0')
                                     ? std::filesystem::path(dir)
                                     : std::filesystem::temp_directory_path();
    return root / ("infrasage-bench-wal-" + std::to_string(::getpid()));
}

// A log in a scratch directory that is removed again when the benchmark exits.
class ScratchWal {
  public:
    explicit ScratchWal(const std::string& name, bool fsync) : dir_(benchRoot() / name) {
        std::filesystem::remove_all(dir_);
        WalOptions options;
        options.dir = dir_;
        options.fsync = fsync;
        options.max_pending_bytes = 8ull << 30;
        wal_ = std::make_unique<WriteAheadLog>(options);
    }
    ~ScratchWal() {
        wal_.reset();
        std::filesystem::remove_all(dir_);
    }
    ScratchWal(const ScratchWal&) = delete;
    ScratchWal& operator=(const ScratchWal&) = delete;
    WriteAheadLog& wal() { return *wal_; }

  private:
    std::filesystem::path dir_;
    std::unique_ptr<WriteAheadLog> wal_;
};

WalFrame makeFrame() {
    WalFrame frame;
    frame.stream = 0;
    frame.row_count = kFrameRows;
    frame.payload.resize(kFrameBytes);
    for (size_t i = 0; i < frame.payload.size(); ++i) {
        frame.payload[i] = static_cast<char>((i * 131) & 0x7f);
    }
    return frame;
}

// Shared by all threads of a run so that their appends meet in the same group commits.
WriteAheadLog& appendWal() {
    static ScratchWal scratch("append", /*fsync=*/true);
    return scratch.wal();
}

void BM_AppendFsync100KB(benchmark::State& state) {
    WriteAheadLog& wal = appendWal();
    const WalFrame frame = makeFrame();
    const uint64_t commits_before = wal.commitCount();
    uint64_t appended = 0;
    for (auto _ : state) {
        wal.append(std::span<const WalFrame>(&frame, 1));
        // Stand in for the delivery worker so the disk use stays bounded.
        if (state.thread_index() == 0 && ++appended % 64 == 0) {
            wal.markDelivered(wal.durableEnd());
        }
    }
    const auto appends = static_cast<double>(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kFrameBytes));
    state.counters["appends/s"] = benchmark::Counter(appends, benchmark::Counter::kIsRate);
    state.counters["rows/s"] =
        benchmark::Counter(appends * kFrameRows, benchmark::Counter::kIsRate);
    if (state.thread_index() == 0) {
        state.counters["fsyncs/s"] = benchmark::Counter(
            static_cast<double>(wal.commitCount() - commits_before), benchmark::Counter::kIsRate);
    }
}
BENCHMARK(BM_AppendFsync100KB)->Threads(1)->Threads(8)->UseRealTime();

// Reads back 256 MB of 100 KB frames in 64 MB groups, as the delivery worker does (page cache).
void BM_ReadBack(benchmark::State& state) {
    ScratchWal scratch("read", /*fsync=*/false);
    WriteAheadLog& wal = scratch.wal();
    const WalFrame frame = makeFrame();
    for (int i = 0; i < 2560; ++i) {
        wal.append(std::span<const WalFrame>(&frame, 1));
    }
    uint64_t bytes = 0;
    for (auto _ : state) {
        WalPosition from = wal.deliveredPosition();
        for (;;) {
            auto records = wal.read(from, 64ull << 20, std::chrono::milliseconds(0));
            if (records.empty()) {
                break;
            }
            from = records.back().end;
            for (const auto& record : records) {
                bytes += record.payload.size() + kHeaderBytes;
            }
        }
    }
    state.SetBytesProcessed(static_cast<int64_t>(bytes));
    state.counters["rows/s"] =
        benchmark::Counter(static_cast<double>(bytes) / (kFrameBytes + kHeaderBytes) * kFrameRows,
                           benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ReadBack)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
