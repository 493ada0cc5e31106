#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>

#include "RecordParserFixture.h"

namespace infrasage::ingest::testing {
namespace {

using storage::TelemetryType;

uint64_t bitsOf(double value) {
    uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    return bits;
}

TEST_F(RecordParserTest, EncodesEveryColumnOfAMetricRow) {
    clock_.set(kNowSeconds * kSecond + 777);
    const ParseResult result = parser_.parseSingle(
        R"({"service_id":"checkout","type":"metric","metric_name":"latency_ms","value":12.25,
            "trace_id":"abc123","timestamp":"2024-05-01T11:59:30.000000042Z",
            "attributes":{"region":"eu","host":"h1"}})",
        kTenant);
    EXPECT_EQ(result.accepted, 1u);
    EXPECT_EQ(result.encoded.counts[0], 1u);
    EXPECT_EQ(result.encoded.total(), 1u);

    // Byte-exact: the row written out by hand in RowBinary.
    std::string expected;
    expected += "\x08tenant-a";
    expected +=
        "\x08"
        "checkout";
    const uint32_t ts = kNowSeconds - 30;
    expected.append(reinterpret_cast<const char*>(&ts), 4);  // the test machine is little-endian
    expected += std::string("\x2A\x00\x00\x00", 4);          // 42 ns
    expected += "\x0Alatency_ms";
    const double value = 12.25;
    expected.append(reinterpret_cast<const char*>(&value), 8);
    expected +=
        "\x06"
        "abc123";
    expected += "\x02\x06region\x04host";
    expected +=
        "\x02\x02"
        "eu\x02h1";
    const uint32_t received = kNowSeconds;
    expected.append(reinterpret_cast<const char*>(&received), 4);
    EXPECT_EQ(metricRows(result), expected);

    const auto rows = decodeRows(metricRows(result), TelemetryType::Metric);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].tenant_id, "tenant-a");
    EXPECT_EQ(rows[0].service_id, "checkout");
    EXPECT_EQ(rows[0].timestamp, kNowSeconds - 30);
    EXPECT_EQ(rows[0].timestamp_nanos, 42u);
    EXPECT_EQ(rows[0].metric_name, "latency_ms");
    EXPECT_EQ(rows[0].value, 12.25);
    EXPECT_EQ(rows[0].body, std::nullopt);
    EXPECT_EQ(rows[0].trace_id, "abc123");
    EXPECT_EQ(rows[0].attr_keys, (std::vector<std::string>{"region", "host"}));
    EXPECT_EQ(rows[0].attr_values, (std::vector<std::string>{"eu", "h1"}));
    EXPECT_EQ(rows[0].received_at, kNowSeconds);
}

TEST_F(RecordParserTest, RoutesEachTypeToItsTableWithItsColumns) {
    const std::string batch = R"([
        {"service_id":"s","metric_name":"m0","value":0},
        {"service_id":"s","type":"log","body":"line one"},
        {"service_id":"s","type":"trace","metric_name":"span","value":2},
        {"service_id":"s","type":"event","body":"deployed"},
        {"service_id":"s","type":"profile","metric_name":"cpu","value":4,"body":"stack"},
        {"service_id":"s","type":"slo","metric_name":"availability","value":0.999},
        {"service_id":"s","type":"log","body":"line two"}
    ])";
    const ParseResult result = parser_.parseBatch(batch, kTenant);
    EXPECT_EQ(result.accepted, 7u);
    EXPECT_TRUE(result.failures.empty());
    EXPECT_EQ(result.encoded.counts, (std::array<uint32_t, 6>{1, 2, 1, 1, 1, 1}));

    const auto logs = decodeRows(rowsOf(result, TelemetryType::Log), TelemetryType::Log);
    ASSERT_EQ(logs.size(), 2u);
    EXPECT_EQ(logs[0].body, "line one");
    EXPECT_EQ(logs[1].body, "line two");
    EXPECT_EQ(logs[0].metric_name, std::nullopt);

    const auto traces = decodeRows(rowsOf(result, TelemetryType::Trace), TelemetryType::Trace);
    ASSERT_EQ(traces.size(), 1u);
    EXPECT_EQ(traces[0].metric_name, "span");
    EXPECT_EQ(traces[0].value, 2.0);

    const auto events = decodeRows(rowsOf(result, TelemetryType::Event), TelemetryType::Event);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].body, "deployed");

    const auto profiles =
        decodeRows(rowsOf(result, TelemetryType::Profile), TelemetryType::Profile);
    ASSERT_EQ(profiles.size(), 1u);
    EXPECT_EQ(profiles[0].metric_name, "cpu");
    EXPECT_EQ(profiles[0].value, 4.0);
    EXPECT_EQ(profiles[0].body, "stack");

    const auto slos = decodeRows(rowsOf(result, TelemetryType::Slo), TelemetryType::Slo);
    ASSERT_EQ(slos.size(), 1u);
    EXPECT_EQ(slos[0].value, 0.999);
}

TEST_F(RecordParserTest, DefaultsTimestampToNowAndTypeToMetric) {
    clock_.set(kNowSeconds * kSecond + 123'456'789);
    const DecodedRow row = expectAccepted(kValidRecord);
    EXPECT_EQ(row.timestamp, kNowSeconds);
    EXPECT_EQ(row.timestamp_nanos, 123'456'789u);
    EXPECT_EQ(row.received_at, kNowSeconds);
    EXPECT_EQ(row.trace_id, "");
    EXPECT_TRUE(row.attr_keys.empty());
    EXPECT_TRUE(row.attr_values.empty());
}

TEST_F(RecordParserTest, NullOptionalFieldsAreAbsent) {
    const DecodedRow row = expectAccepted(
        R"({"service_id":"api","type":null,"metric_name":"cpu","value":1,"trace_id":null,
            "timestamp":null,"attributes":null,"body":null})");
    EXPECT_EQ(row.trace_id, "");
    EXPECT_EQ(row.timestamp, kNowSeconds);
    EXPECT_TRUE(row.attr_keys.empty());
}

TEST_F(RecordParserTest, NullRequiredFieldsAreMissing) {
    expectRecordError(R"({"service_id":null,"metric_name":"cpu","value":1})", "missing_service_id");
    expectRecordError(R"({"service_id":"a","metric_name":null,"value":1})", "missing_metric_name");
    expectRecordError(R"({"service_id":"a","metric_name":"cpu","value":null})", "missing_value");
    expectRecordError(R"({"service_id":"a","type":"log","body":null})", "missing_body");
}

TEST_F(RecordParserTest, KeepsValuesExactly) {
    EXPECT_EQ(bitsOf(*expectAccepted(R"({"service_id":"a","metric_name":"m","value":-0.0})").value),
              bitsOf(-0.0));
    EXPECT_EQ(expectAccepted(R"({"service_id":"a","metric_name":"m","value":42})").value, 42.0);
    EXPECT_EQ(
        expectAccepted(R"({"service_id":"a","metric_name":"m","value":-1.7976931348623157e308})")
            .value,
        -1.7976931348623157e308);
    EXPECT_EQ(expectAccepted(R"({"service_id":"a","metric_name":"m","value":1e-999})").value, 0.0);
    EXPECT_EQ(expectAccepted(
                  R"({"service_id":"a","metric_name":"m","value":123456789012345678901234567890})")
                  .value,
              1.2345678901234568e29);
}

TEST_F(RecordParserTest, UnescapesStringsAndKeys) {
    const DecodedRow row =
        expectAccepted(R"({"service\u005fid":"caf\u00e9 \"x\"","metric_name":"m\u00fc","value":1,)"
                       R"("attributes":{"k\n":"\ud83d\ude00","\u00e9":"\\"}})");
    EXPECT_EQ(row.service_id, "caf\xC3\xA9 \"x\"");
    EXPECT_EQ(row.metric_name, "m\xC3\xBC");
    EXPECT_EQ(row.attr_keys, (std::vector<std::string>{"k\n", "\xC3\xA9"}));
    EXPECT_EQ(row.attr_values, (std::vector<std::string>{"\xF0\x9F\x98\x80", "\\"}));
}

TEST_F(RecordParserTest, AcceptsFieldsInAnyOrderAndIrrelevantKnownFields) {
    const DecodedRow row = expectAccepted(
        R"({"attributes":{"a":"1"},"value":3,"body":"ignored for metrics","metric_name":"m",)"
        R"("service_id":"svc"})");
    EXPECT_EQ(row.service_id, "svc");
    EXPECT_EQ(row.value, 3.0);
    expectAccepted(R"({"service_id":"s","type":"log","body":"b","metric_name":"x","value":1})",
                   TelemetryType::Log);
}

TEST_F(RecordParserTest, EncodesLongStringsWithMultiByteLengths) {
    const std::string body(70000 - 5000, 'b');
    const DecodedRow row = expectAccepted(
        R"({"service_id":"s","type":"log","body":")" + body + R"("})", TelemetryType::Log);
    EXPECT_EQ(row.body, body);
}

TEST_F(RecordParserTest, TimestampWindowBoundaries) {
    // Exactly 24 h old and exactly 10 min ahead are inside the window; one nanosecond more is not.
    EXPECT_EQ(expectAccepted(R"({"service_id":"a","metric_name":"m","value":1,)"
                             R"("timestamp":"2024-04-30T12:00:00Z"})")
                  .timestamp,
              kNowSeconds - 86400);
    expectRecordError(R"({"service_id":"a","metric_name":"m","value":1,)"
                      R"("timestamp":"2024-04-30T11:59:59.999999999Z"})",
                      "timestamp_too_old");
    EXPECT_EQ(expectAccepted(R"({"service_id":"a","metric_name":"m","value":1,)"
                             R"("timestamp":"2024-05-01T12:10:00Z"})")
                  .timestamp,
              kNowSeconds + 600);
    expectRecordError(R"({"service_id":"a","metric_name":"m","value":1,)"
                      R"("timestamp":"2024-05-01T12:10:00.000000001Z"})",
                      "timestamp_in_future");
    // Offsets count: 14:00+02:00 is now.
    EXPECT_EQ(expectAccepted(R"({"service_id":"a","metric_name":"m","value":1,)"
                             R"("timestamp":"2024-05-01T14:00:00.5+02:00"})")
                  .timestamp_nanos,
              500'000'000u);
}

TEST_F(RecordParserTest, TimestampWindowFollowsTheClock) {
    const std::string record =
        R"({"service_id":"a","metric_name":"m","value":1,"timestamp":"2024-02-29T00:00:00Z"})";
    expectRecordError(record, "timestamp_too_old");
    clock_.set(int64_t{1709164800 + 3600} * kSecond);  // one hour after that leap day began
    EXPECT_EQ(expectAccepted(record).timestamp, 1709164800u);
}

TEST_F(RecordParserTest, LimitsAreInclusive) {
    const auto metricWith = [](const std::string& fields) {
        return R"({"metric_name":"m","value":1,)" + fields + "}";
    };
    expectAccepted(metricWith(R"("service_id":")" + std::string(256, 's') + R"(")"));
    expectRecordError(metricWith(R"("service_id":")" + std::string(257, 's') + R"(")"),
                      "field_too_long");
    expectAccepted(R"({"service_id":"s","value":1,"metric_name":")" + std::string(256, 'm') +
                   R"("})");
    expectRecordError(
        R"({"service_id":"s","value":1,"metric_name":")" + std::string(257, 'm') + R"("})",
        "field_too_long");
    expectAccepted(metricWith(R"("service_id":"s","trace_id":")" + std::string(128, 't') + R"(")"));
    expectRecordError(
        metricWith(R"("service_id":"s","trace_id":")" + std::string(129, 't') + R"(")"),
        "field_too_long");
    expectAccepted(R"({"service_id":"s","type":"log","body":")" + std::string(65536, 'b') + R"("})",
                   TelemetryType::Log);
    expectRecordError(
        R"({"service_id":"s","type":"log","body":")" + std::string(65537, 'b') + R"("})",
        "field_too_long");
    // Lengths are bytes after unescaping: 128 "\u00e9" escapes are 256 bytes.
    std::string escaped;
    for (int i = 0; i < 128; ++i) escaped += "\\u00e9";
    expectAccepted(metricWith(R"("service_id":")" + escaped + R"(")"));
    expectRecordError(metricWith(R"("service_id":"x)" + escaped + R"(")"), "field_too_long");
}

std::string attributesRecord(std::size_t count, std::size_t key_bytes, std::size_t value_bytes) {
    std::string record = R"({"service_id":"s","metric_name":"m","value":1,"attributes":{)";
    for (std::size_t i = 0; i < count; ++i) {
        std::string key = std::to_string(i);
        key.resize(std::max(key_bytes, key.size()), 'k');
        record += (i ? "," : "") + ("\"" + key + "\":\"" + std::string(value_bytes, 'v') + "\"");
    }
    return record + "}}";
}

TEST_F(RecordParserTest, AttributeLimitsAreInclusive) {
    const DecodedRow row = expectAccepted(attributesRecord(64, 3, 1));
    EXPECT_EQ(row.attr_keys.size(), 64u);
    EXPECT_EQ(row.attr_keys[63], "63k");
    expectRecordError(attributesRecord(65, 3, 1), "too_many_attributes");
    expectAccepted(attributesRecord(1, 128, 4096));
    expectRecordError(attributesRecord(1, 129, 1), "attribute_too_long");
    expectRecordError(attributesRecord(1, 5, 4097), "attribute_too_long");
}

TEST_F(RecordParserTest, CustomLimitsApply) {
    IngestLimits small;
    small.max_attributes = 1;
    small.max_batch_records = 2;
    RecordParser parser(small, clock_);
    EXPECT_EQ(parser.limits().max_attributes, 1u);
    EXPECT_EQ(parser.parseSingle(attributesRecord(1, 1, 1), kTenant).accepted, 1u);
    const ParseResult result = parser.parseBatch("[" + attributesRecord(2, 1, 1) + "]", kTenant);
    ASSERT_EQ(result.failures.size(), 1u);
    EXPECT_EQ(result.failures[0].error, "too_many_attributes");
    const std::string three = "[" + std::string(kValidRecord) + "," + std::string(kValidRecord) +
                              "," + std::string(kValidRecord) + "]";
    const ThrownError error = errorOf([&] { parser.parseBatch(three, kTenant); });
    EXPECT_EQ(error.status, 413);
    EXPECT_EQ(error.code, "too_many_records");
}

std::string batchOf(std::size_t count) {
    std::string batch = "[";
    for (std::size_t i = 0; i < count; ++i) {
        batch += (i ? "," : "");
        batch += R"({"service_id":"svc-)" + std::to_string(i % 10) +
                 R"(","metric_name":"requests","value":)" + std::to_string(i) +
                 R"(,"attributes":{"host":"h)" + std::to_string(i) + R"("}})";
    }
    return batch + "]";
}

TEST_F(RecordParserTest, AcceptsTenThousandRecords) {
    const ParseResult result = parser_.parseBatch(batchOf(10000), kTenant);
    EXPECT_EQ(result.accepted, 10000u);
    EXPECT_TRUE(result.failures.empty());
    EXPECT_EQ(result.encoded.counts[0], 10000u);
    const auto rows = decodeRows(metricRows(result), TelemetryType::Metric);
    ASSERT_EQ(rows.size(), 10000u);
    EXPECT_EQ(rows[9999].value, 9999.0);
    EXPECT_EQ(rows[9999].service_id, "svc-9");
    EXPECT_EQ(rows[9999].attr_values, (std::vector<std::string>{"h9999"}));
}

TEST_F(RecordParserTest, RejectsMoreThanTenThousandRecords) {
    const ThrownError error = batchError(batchOf(10001));
    EXPECT_EQ(error.status, 413);
    EXPECT_EQ(error.code, "too_many_records");
}

TEST_F(RecordParserTest, ReusedResultHoldsOnlyTheLatestBody) {
    ParseResult result;
    parser_.parseBatch(batchOf(3), kTenant, result);
    EXPECT_EQ(result.accepted, 3u);
    parser_.parseBatch("[" + std::string(kValidRecord) + R"(,{"service_id":""}])", kTenant, result);
    EXPECT_EQ(result.accepted, 1u);
    EXPECT_EQ(result.failures.size(), 1u);
    EXPECT_EQ(decodeRows(metricRows(result), TelemetryType::Metric).size(), 1u);

    // A whole-body error leaves nothing accepted behind.
    EXPECT_THROW(parser_.parseBatch(batchOf(3) + "x", kTenant, result), ApiError);
    EXPECT_EQ(result.accepted, 0u);
    EXPECT_EQ(result.encoded.total(), 0u);
    EXPECT_TRUE(metricRows(result).empty());

    parser_.parseSingle(kValidRecord, kTenant, result);
    EXPECT_EQ(result.accepted, 1u);
    EXPECT_EQ(decodeRows(metricRows(result), TelemetryType::Metric).size(), 1u);
}

TEST_F(RecordParserTest, ParsesBodiesOfGrowingAndShrinkingSize) {
    // The padded buffer is reused; a short body after a long one must not see the old bytes.
    EXPECT_EQ(parser_.parseBatch(batchOf(500), kTenant).accepted, 500u);
    EXPECT_EQ(singleError("{}").code, "missing_service_id");
    EXPECT_EQ(singleError("{").code, "invalid_json");
    EXPECT_EQ(parser_.parseSingle(kValidRecord, kTenant).accepted, 1u);
}

}  // namespace
}  // namespace infrasage::ingest::testing
