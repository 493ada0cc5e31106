#include <gtest/gtest.h>

#include "OtlpTestRequests.h"
#include "otlp/SpanDecoder.h"
#include "unit/ingest/RowBinaryReader.h"

namespace infrasage::otlp::testing {
namespace {

using ingest::testing::RowBinaryReader;

// One infrasage_spans row, read in kSpanColumnList order.
struct SpanRow {
    std::string tenant, trace_id, span_id, parent_span_id, service, name, kind;
    uint32_t start = 0, start_nanos = 0;
    uint64_t duration = 0;
    std::string status, status_message;
    std::vector<std::string> keys, values;
    uint32_t received_at = 0;
};

std::vector<SpanRow> readRows(const EncodedItems& items) {
    RowBinaryReader in(items.rows);
    std::vector<SpanRow> rows;
    while (!in.atEnd()) {
        SpanRow r;
        r.tenant = in.readString();
        r.trace_id = in.readString();
        r.span_id = in.readString();
        r.parent_span_id = in.readString();
        r.service = in.readString();
        r.name = in.readString();
        r.kind = in.readString();
        r.start = in.readUInt32();
        r.start_nanos = in.readUInt32();
        r.duration = in.readLittleEndian(8);
        r.status = in.readString();
        r.status_message = in.readString();
        r.keys = in.readStringArray();
        r.values = in.readStringArray();
        r.received_at = in.readUInt32();
        rows.push_back(std::move(r));
    }
    EXPECT_EQ(rows.size(), items.count);
    return rows;
}

TEST(SpanDecoder, EncodesEveryColumn) {
    TraceRequest request;
    auto* scope = scopeSpans(request, "frontend");
    auto* root = addSpan(scope, 0xAB);
    root->set_trace_id(bytesOf({0x4B, 0xF9, 0x2F, 0x35, 0x77, 0xB3, 0x4D, 0xA6, 0xA3, 0xCE, 0x92,
                                0x9D, 0x0E, 0x0E, 0x47, 0x36}));
    root->mutable_status()->set_code(pbt::Status::STATUS_CODE_ERROR);
    root->mutable_status()->set_message("boom");
    addString(root->mutable_attributes(), "http.method", "GET");
    auto* child = addSpan(scope, 0x02, 0xAB);
    child->set_kind(pbt::Span::SPAN_KIND_CLIENT);

    const ingest::IngestLimits limits;
    const auto items = SpanDecoder(limits, kNowNanos).decode(request, "tenant-a");
    EXPECT_EQ(items.rejected.total(), 0u);
    const auto rows = readRows(items);
    ASSERT_EQ(rows.size(), 2u);
    const auto& r = rows[0];
    EXPECT_EQ(r.tenant, "tenant-a");
    EXPECT_EQ(r.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_EQ(r.span_id, "abababababababab");
    EXPECT_EQ(r.parent_span_id, "");
    EXPECT_EQ(r.service, "frontend");
    EXPECT_EQ(r.name, "GET /x");
    EXPECT_EQ(r.kind, "server");
    EXPECT_EQ(r.start, 1714564790u);
    EXPECT_EQ(r.start_nanos, 123456789u);
    EXPECT_EQ(r.duration, 1'500'000u);
    EXPECT_EQ(r.status, "error");
    EXPECT_EQ(r.status_message, "boom");
    EXPECT_EQ(r.keys, (std::vector<std::string>{"http.method", "otel.scope.name"}));
    EXPECT_EQ(r.values, (std::vector<std::string>{"GET", "tracer"}));
    EXPECT_EQ(r.received_at, 1714564800u);
    EXPECT_EQ(rows[1].parent_span_id, "abababababababab");
    EXPECT_EQ(rows[1].kind, "client");
    EXPECT_EQ(rows[1].status, "unset");
}

TEST(SpanDecoder, RefusesBadSpansAndKeepsTheOthers) {
    TraceRequest request;
    auto* scope = scopeSpans(request, "svc");
    addSpan(scope, 1);
    addSpan(scope, 2)->set_trace_id("short");
    addSpan(scope, 3)->set_parent_span_id("x");
    auto* backwards = addSpan(scope, 4);
    backwards->set_end_time_unix_nano(backwards->start_time_unix_nano() - 1);
    addSpan(scope, 5)->set_start_time_unix_nano(1'000'000'000);  // 1970
    addSpan(scope, 6)->set_name(std::string(300, 'n'));
    auto* crowded = addSpan(scope, 7);
    for (int i = 0; i < 65; ++i) {
        addString(crowded->mutable_attributes(), "k" + std::to_string(i), "v");
    }
    addString(addSpan(scope, 8)->mutable_attributes(), "big", std::string(5000, 'v'));

    const ingest::IngestLimits limits;
    const auto items = SpanDecoder(limits, kNowNanos).decode(request, "t");
    EXPECT_EQ(items.count, 1u);
    EXPECT_EQ(items.rejected.total(), 7u);
    std::map<std::string, uint64_t> by_code(items.rejected.byCode().begin(),
                                            items.rejected.byCode().end());
    const std::map<std::string, uint64_t> expected{
        {"invalid_id", 2},     {"invalid_duration", 1},    {"timestamp_too_old", 1},
        {"field_too_long", 1}, {"too_many_attributes", 1}, {"attribute_too_long", 1}};
    EXPECT_EQ(by_code, expected);
}

TEST(SpanDecoder, MoreSpansThanABatchIsRefusedWhole) {
    TraceRequest request;
    auto* scope = scopeSpans(request, "svc");
    ingest::IngestLimits limits;
    limits.max_batch_records = 3;
    for (int i = 0; i < 4; ++i) {
        addSpan(scope, i);
    }
    const auto thrown = thrownBy([&] { SpanDecoder(limits, kNowNanos).decode(request, "t"); });
    EXPECT_EQ(thrown.status, 413);
    EXPECT_EQ(thrown.code, "too_many_records");
}

}  // namespace
}  // namespace infrasage::otlp::testing
