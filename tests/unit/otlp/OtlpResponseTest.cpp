#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "infrasage_otlp_responses.pb.h"
#include "otlp/AnyValueText.h"
#include "otlp/OtlpEncoding.h"
#include "otlp/OtlpResponse.h"

namespace infrasage::otlp {
namespace {

TEST(OtlpResponse, FullSuccessIsAnEmptyMessage) {
    EXPECT_EQ(exportResponseBody(Signal::Metrics, 0, "", Encoding::Protobuf), "");
    EXPECT_EQ(exportResponseBody(Signal::Traces, 0, "", Encoding::Json), "{}");
}

TEST(OtlpResponse, PartialSuccessInBothEncodings) {
    const auto bytes = exportResponseBody(Signal::Traces, 2, "invalid_id: bad", Encoding::Protobuf);
    infrasage::otlp::v1::ExportTraceServiceResponse decoded;
    ASSERT_TRUE(decoded.ParseFromString(bytes));
    EXPECT_EQ(decoded.partial_success().rejected_spans(), 2);
    EXPECT_EQ(decoded.partial_success().error_message(), "invalid_id: bad");

    const auto json = nlohmann::json::parse(
        exportResponseBody(Signal::Metrics, 3, "timestamp_too_old: x", Encoding::Json));
    EXPECT_EQ(json["partialSuccess"]["rejectedDataPoints"], "3");  // int64 as a JSON string
    EXPECT_EQ(json["partialSuccess"]["errorMessage"], "timestamp_too_old: x");
    const auto logs =
        nlohmann::json::parse(exportResponseBody(Signal::Logs, 1, "m", Encoding::Json));
    EXPECT_EQ(logs["partialSuccess"]["rejectedLogRecords"], "1");
}

TEST(OtlpResponse, StatusBody) {
    infrasage::otlp::v1::Status status;
    ASSERT_TRUE(status.ParseFromString(statusBody(3, "bad", Encoding::Protobuf)));
    EXPECT_EQ(status.code(), 3);
    EXPECT_EQ(status.message(), "bad");
    EXPECT_EQ(grpcCodeForHttpStatus(503), 14);
    EXPECT_EQ(grpcCodeForHttpStatus(429), 8);
}

TEST(OtlpEncoding, ContentTypes) {
    EXPECT_EQ(encodingForContentType("application/x-protobuf"), Encoding::Protobuf);
    EXPECT_EQ(encodingForContentType("Application/JSON; charset=utf-8"), Encoding::Json);
    EXPECT_FALSE(encodingForContentType("text/plain").has_value());
    EXPECT_FALSE(encodingForContentType("").has_value());
    EXPECT_FALSE(encodingForContentType("application/jsonx").has_value());
}

TEST(AnyValueText, EveryKind) {
    opentelemetry::proto::common::v1::AnyValue value;
    EXPECT_EQ(anyValueText(value), "");
    value.set_string_value("plain \"text\"");
    EXPECT_EQ(anyValueText(value), "plain \"text\"");
    value.set_double_value(0.5);
    EXPECT_EQ(anyValueText(value), "0.5");
    value.set_double_value(std::numeric_limits<double>::infinity());
    EXPECT_EQ(anyValueText(value), "Infinity");
    value.set_bytes_value(std::string("\x01\x02", 2));
    EXPECT_EQ(anyValueText(value), "AQI=");
    auto* kv = value.mutable_kvlist_value()->add_values();
    kv->set_key("k");
    kv->mutable_value()->set_bool_value(false);
    EXPECT_EQ(anyValueText(value), R"({"k":false})");
}

}  // namespace
}  // namespace infrasage::otlp
