// Checks the hot-path promise of RecordParser: once its buffers have grown, parsing a batch into
// a reused ParseResult performs no heap allocation. Counts allocations by replacing the global
// operator new for this test binary (counting only; allocation itself is unchanged).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "RecordParserFixture.h"

namespace {
std::atomic<std::size_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) {
        return p;
    }
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}

namespace infrasage::ingest::testing {
namespace {

TEST_F(RecordParserTest, SteadyStateBatchParsingDoesNotAllocate) {
    std::string batch = "[";
    for (int i = 0; i < 200; ++i) {
        batch += (i ? "," : "");
        batch += R"({"service_id":"checkout","metric_name":"latency","value":)" +
                 std::to_string(i) +
                 R"(,"timestamp":"2024-05-01T11:59:00.5Z","trace_id":"t1",)"
                 R"("attributes":{"host":"h)" +
                 std::to_string(i % 7) + R"(","region":"eu","status":"200"}})";
    }
    batch += R"(,{"service_id":"s","type":"log","body":"a log line"}])";

    ParseResult result;
    parser_.parseBatch(batch, kTenant, result);  // grows every buffer once
    ASSERT_EQ(result.accepted, 201u);

    const std::size_t before = g_allocations.load();
    parser_.parseBatch(batch, kTenant, result);
    const std::size_t during = g_allocations.load() - before;
    EXPECT_EQ(result.accepted, 201u);
    EXPECT_EQ(during, 0u);
}

}  // namespace
}  // namespace infrasage::ingest::testing
