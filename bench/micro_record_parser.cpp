// Micro-benchmark: RecordParser::parseBatch on 1,000 typical metric records (~190 bytes each,
// 3 attributes, explicit timestamp). Reports records/s (items) and body bytes/s.
#include <benchmark/benchmark.h>

#include <string>

#include "common/Clock.h"
#include "ingest/RecordParser.h"

namespace {

using infrasage::ManualClock;
using infrasage::ingest::IngestLimits;
using infrasage::ingest::ParseResult;
using infrasage::ingest::RecordParser;

constexpr int64_t kNowNanos = int64_t{1714564800} * 1'000'000'000;  // 2024-05-01T12:00:00Z
constexpr int kRecords = 1000;

std::string typicalBatch() {
    std::string batch = "[";
    for (int i = 0; i < kRecords; ++i) {
        if (i > 0) batch += ',';
        batch += R"({"service_id":"checkout-api","metric_name":"http_request_duration_ms",)";
        batch += R"("value":)" + std::to_string(10 + i % 90) + "." + std::to_string(i % 100);
        batch += R"(,"timestamp":"2024-05-01T11:59:)" + std::to_string(10 + i % 50) + ".123Z\",";
        batch += R"("attributes":{"host":"web-)" + std::to_string(i % 16) +
                 R"(","region":"eu-west-1","status":"200"}})";
    }
    return batch + "]";
}

void BM_ParseBatchReusedResult(benchmark::State& state) {
    const std::string batch = typicalBatch();
    ManualClock clock(kNowNanos);
    RecordParser parser(IngestLimits{}, clock);
    ParseResult result;
    for (auto _ : state) {
        parser.parseBatch(batch, "tenant-0001", result);
        benchmark::DoNotOptimize(result.encoded.rows[0].data());
    }
    if (result.accepted != kRecords) state.SkipWithError("records were rejected");
    state.SetItemsProcessed(state.iterations() * kRecords);
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(batch.size()));
    state.counters["encoded_bytes_per_record"] =
        static_cast<double>(result.encoded.rows[0].size()) / kRecords;
}
BENCHMARK(BM_ParseBatchReusedResult);

void BM_ParseBatchFreshResult(benchmark::State& state) {
    const std::string batch = typicalBatch();
    ManualClock clock(kNowNanos);
    RecordParser parser(IngestLimits{}, clock);
    for (auto _ : state) {
        ParseResult result = parser.parseBatch(batch, "tenant-0001");
        benchmark::DoNotOptimize(result.encoded.rows[0].data());
    }
    state.SetItemsProcessed(state.iterations() * kRecords);
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(batch.size()));
}
BENCHMARK(BM_ParseBatchFreshResult);

}  // namespace

BENCHMARK_MAIN();
