#include <gtest/gtest.h>

#include "OtlpTestRequests.h"
#include "otlp/LogDecoder.h"
#include "unit/ingest/RowBinaryReader.h"

namespace infrasage::otlp::testing {
namespace {

using ingest::testing::RowBinaryReader;

// One logs-table row in kOtlpLogColumnList order.
struct LogRow {
    std::string tenant, service;
    uint32_t timestamp = 0, timestamp_nanos = 0;
    std::string body, trace_id;
    std::vector<std::string> keys, values;
    uint32_t received_at = 0;
    std::string severity_text;
    uint64_t severity_number = 0;
};

std::vector<LogRow> readRows(const EncodedItems& items) {
    RowBinaryReader in(items.rows);
    std::vector<LogRow> rows;
    while (!in.atEnd()) {
        LogRow r;
        r.tenant = in.readString();
        r.service = in.readString();
        r.timestamp = in.readUInt32();
        r.timestamp_nanos = in.readUInt32();
        r.body = in.readString();
        r.trace_id = in.readString();
        r.keys = in.readStringArray();
        r.values = in.readStringArray();
        r.received_at = in.readUInt32();
        r.severity_text = in.readString();
        r.severity_number = in.readLittleEndian(1);
        rows.push_back(std::move(r));
    }
    EXPECT_EQ(rows.size(), items.count);
    return rows;
}

TEST(LogDecoder, EncodesSeverityBodyTraceAndAttributes) {
    LogsRequest request;
    auto* scope = scopeLogs(request, "billing");
    auto* record = scope->add_log_records();
    record->set_time_unix_nano(kPointNanos);
    record->set_severity_number(pbl::SEVERITY_NUMBER_WARN);
    record->set_severity_text("WARN");
    record->mutable_body()->set_string_value("disk almost full");
    record->set_trace_id(std::string(16, '\x0f'));
    record->set_span_id(std::string(8, '\x10'));
    addString(record->mutable_attributes(), "disk", "/var");
    auto* structured = scope->add_log_records();
    structured->set_observed_time_unix_nano(kPointNanos);
    auto* kv = structured->mutable_body()->mutable_kvlist_value()->add_values();
    kv->set_key("event");
    kv->mutable_value()->set_int_value(3);

    const ingest::IngestLimits limits;
    const auto rows = readRows(LogDecoder(limits, kNowNanos).decode(request, "tenant-a"));
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].tenant, "tenant-a");
    EXPECT_EQ(rows[0].service, "billing");
    EXPECT_EQ(rows[0].timestamp, 1714564790u);
    EXPECT_EQ(rows[0].timestamp_nanos, 123456789u);
    EXPECT_EQ(rows[0].body, "disk almost full");
    EXPECT_EQ(rows[0].trace_id, "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f");
    EXPECT_EQ(rows[0].keys, (std::vector<std::string>{"disk", "span_id"}));
    EXPECT_EQ(rows[0].values, (std::vector<std::string>{"/var", "1010101010101010"}));
    EXPECT_EQ(rows[0].severity_text, "WARN");
    EXPECT_EQ(rows[0].severity_number, 13u);
    EXPECT_EQ(rows[1].body, R"({"event":3})");
    EXPECT_EQ(rows[1].timestamp, 1714564790u);  // observed time when time is unset
    EXPECT_EQ(rows[1].trace_id, "");
    EXPECT_EQ(rows[1].severity_number, 0u);
}

TEST(LogDecoder, RefusesBadRecordsAndKeepsTheOthers) {
    LogsRequest request;
    auto* scope = scopeLogs(request, "svc");
    scope->add_log_records()->set_time_unix_nano(kPointNanos);
    auto* bad_trace = scope->add_log_records();
    bad_trace->set_time_unix_nano(kPointNanos);
    bad_trace->set_trace_id("abc");
    auto* bad_severity = scope->add_log_records();
    bad_severity->set_time_unix_nano(kPointNanos);
    bad_severity->set_severity_number(static_cast<pbl::SeverityNumber>(99));
    auto* huge = scope->add_log_records();
    huge->set_time_unix_nano(kPointNanos);
    huge->mutable_body()->set_string_value(std::string(70000, 'x'));
    scope->add_log_records()->set_time_unix_nano(static_cast<uint64_t>(kNowNanos) +
                                                 uint64_t{3600} * 1'000'000'000);

    const ingest::IngestLimits limits;
    const auto items = LogDecoder(limits, kNowNanos).decode(request, "t");
    EXPECT_EQ(items.count, 1u);
    EXPECT_EQ(items.rejected.total(), 4u);
    std::map<std::string, uint64_t> by_code(items.rejected.byCode().begin(),
                                            items.rejected.byCode().end());
    const std::map<std::string, uint64_t> expected{{"invalid_id", 1},
                                                   {"invalid_severity", 1},
                                                   {"field_too_long", 1},
                                                   {"timestamp_in_future", 1}};
    EXPECT_EQ(by_code, expected);
}

}  // namespace
}  // namespace infrasage::otlp::testing
