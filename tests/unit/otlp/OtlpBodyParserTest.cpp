#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "OtlpTestRequests.h"
#include "otlp/HexId.h"
#include "otlp/OtlpBodyParser.h"

namespace infrasage::otlp::testing {
namespace {

TEST(HexId, Base64) {
    EXPECT_EQ(base64("\x01\x02\x03\x04"), "AQIDBA==");
}

TEST(OtlpBodyParser, ProtobufRoundTrip) {
    TraceRequest request;
    addSpan(scopeSpans(request, "svc"), 7, 8);
    TraceRequest parsed;
    parseOtlpBody(request.SerializeAsString(), Encoding::Protobuf, parsed);
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(request, parsed));
}

TEST(OtlpBodyParser, TruncatedProtobufIsRefused) {
    TraceRequest request;
    addSpan(scopeSpans(request, "svc"), 7);
    const auto bytes = request.SerializeAsString();
    TraceRequest parsed;
    const auto thrown = thrownBy([&] {
        parseOtlpBody(std::string_view(bytes).substr(0, bytes.size() - 3), Encoding::Protobuf,
                      parsed);
    });
    EXPECT_EQ(thrown.status, 400);
    EXPECT_EQ(thrown.code, "invalid_protobuf");
}

TEST(OtlpBodyParser, InvalidUtf8InAStringFieldIsRefused) {
    TraceRequest request;
    addSpan(scopeSpans(request, "svc"), 7)->set_name("AAAA");
    auto bytes = request.SerializeAsString();
    const auto at = bytes.find("AAAA");
    ASSERT_NE(at, std::string::npos);
    bytes[at + 1] = '\xC3';  // a lead byte followed by 'A': not UTF-8
    TraceRequest parsed;
    const auto thrown = thrownBy([&] { parseOtlpBody(bytes, Encoding::Protobuf, parsed); });
    EXPECT_EQ(thrown.status, 400);
    EXPECT_EQ(thrown.code, "invalid_protobuf");
}

// The OTLP/JSON encoding of the same request the protobuf test builds: hex ids, camelCase names,
// 64-bit integers as strings, enums as numbers.
constexpr std::string_view kTraceJson = R"({"resourceSpans":[{
  "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},
  "scopeSpans":[{"scope":{"name":"tracer"},"spans":[{
    "traceId":"01010101010101010101010101010101","spanId":"0707070707070707",
    "parentSpanId":"0808080808080808","name":"GET /x","kind":2,
    "startTimeUnixNano":"1714564790123456789","endTimeUnixNano":1714564790124956789,
    "someFutureField":{"ignored":true}}]}]}]})";

TEST(OtlpBodyParser, JsonWithHexIdsEqualsProtobuf) {
    TraceRequest expected;
    addSpan(scopeSpans(expected, "svc"), 7, 8);
    TraceRequest parsed;
    parseOtlpBody(kTraceJson, Encoding::Json, parsed);
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(expected, parsed))
        << parsed.DebugString();
}

TEST(OtlpBodyParser, JsonMetricsEqualProtobuf) {
    MetricsRequest expected;
    auto* metric = scopeMetrics(expected, "svc")->add_metrics();
    metric->set_name("requests");
    metric->mutable_sum()->set_is_monotonic(true);
    metric->mutable_sum()->set_aggregation_temporality(pbm::AGGREGATION_TEMPORALITY_CUMULATIVE);
    auto* point = metric->mutable_sum()->add_data_points();
    point->set_time_unix_nano(kPointNanos);
    point->set_as_int(5);
    constexpr std::string_view json = R"({"resourceMetrics":[{"resource":{"attributes":[
        {"key":"service.name","value":{"stringValue":"svc"}},
        {"key":"host.name","value":{"stringValue":"h1"}}]},
      "scopeMetrics":[{"scope":{"name":"meter","version":"1.0"},"metrics":[{"name":"requests",
        "sum":{"isMonotonic":true,"aggregationTemporality":2,"dataPoints":[
          {"timeUnixNano":"1714564790123456789","asInt":"5"}]}}]}]}]})";
    MetricsRequest parsed;
    parseOtlpBody(json, Encoding::Json, parsed);
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(expected, parsed))
        << parsed.DebugString();
}

TEST(OtlpBodyParser, BadJsonBodiesAreRefused) {
    struct Case {
        std::string body;
        std::string code;
    };
    const std::vector<Case> cases{
        {R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xyz1"}]}]}]})", "invalid_id"},
        {"{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"a\",\"value\":"
         "{\"stringValue\":\"\xff\"}}]}}]}",
         "invalid_utf8"},
        {R"({"resourceSpans":[)", "invalid_json"},
        {R"([1,2])", "invalid_json"},
        {R"({"resourceSpans":"not a list"})", "invalid_json"},
        {std::string(200, '[') + std::string(200, ']'), "invalid_json"},
        {R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"soon"}]}]}]})",
         "invalid_json"},
    };
    for (const auto& c : cases) {
        TraceRequest parsed;
        const auto thrown = thrownBy([&] { parseOtlpBody(c.body, Encoding::Json, parsed); });
        EXPECT_EQ(thrown.status, 400) << c.body.substr(0, 80);
        EXPECT_EQ(thrown.code, c.code) << c.body.substr(0, 80);
    }
}

TEST(OtlpBodyParser, DeeplyNestedJsonIsRefusedBeforeProtobuf) {
    std::string body = R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":)";
    for (int i = 0; i < 80; ++i) {
        body += R"({"arrayValue":{"values":[)";
    }
    body += R"({"intValue":1})";
    for (int i = 0; i < 80; ++i) {
        body += "]}}";
    }
    body += "}]}]}]}";
    LogsRequest parsed;
    const auto thrown = thrownBy([&] { parseOtlpBody(body, Encoding::Json, parsed); });
    EXPECT_EQ(thrown.code, "invalid_json");
}

}  // namespace
}  // namespace infrasage::otlp::testing
