#include <gtest/gtest.h>

#include <string>

#include "RecordParserFixture.h"

namespace infrasage::ingest::testing {
namespace {

// ---- Whole-body errors: nothing is accepted. ----

TEST_F(RecordParserTest, MalformedJsonIsInvalidJson) {
    for (const char* body : {"",
                             "   ",
                             "{",
                             R"({"service_id":)",
                             R"({"service_id":"a",})",
                             R"({"service_id" "a"})",
                             R"({service_id:"a"})",
                             R"({"service_id":'a'})",
                             R"({"a":1}})",
                             "nul",
                             "tru",
                             R"({"service_id":"a","metric_name":"m","value":01})",
                             R"({"service_id":"a","metric_name":"m","value":1.})",
                             R"({"service_id":"a","metric_name":"m","value":+1})",
                             R"({"service_id":"a","metric_name":"m","value":NaN})",
                             R"({"service_id":"a","metric_name":"m","value":Infinity})",
                             R"({"service_id":"a","metric_name":"m","value":1}x)",
                             R"({"service_id":"a","metric_name":"m","value":1} {})",
                             R"({"service_id":"a\x"})",
                             R"({"service_id":"a\ud800"})",
                             "{\"service_id\":\"tab\there\"}"}) {
        EXPECT_EQ(singleError(body).code, "invalid_json") << body;
        EXPECT_EQ(singleError(body).status, 400) << body;
    }
}

TEST_F(RecordParserTest, SyntaxErrorAnywhereInABatchRejectsTheWholeBatch) {
    const std::string valid(kValidRecord);
    for (const std::string& body : {
             "[" + valid + "," + valid + ",]",
             "[" + valid + "," + valid + "",
             "[" + valid + "," + valid + "] x",
             "[" + valid + "] [" + valid + "]",
             "[" + valid + "," + valid + "]]",
             "[" + valid + ",," + valid + "]",
             "[" + valid + " " + valid + "]",
             // Errors inside values the parser does not use: a rejected record, an unknown
             // field, an array element that is not an object.
             "[" + valid + R"(,{"service_id":1,"x":[1 2]}])",
             "[" + valid + R"(,{"nope":{"a":tru}}])",
             "[" + valid + R"(,[1,2,{"a":-}]])",
             "[" + valid + R"(,{"service_id":"a","attributes":{"k":5,"j":"\q"}}])",
         }) {
        EXPECT_EQ(batchError(body).code, "invalid_json") << body;
    }
}

TEST_F(RecordParserTest, InvalidUtf8InAStringOrKeyIsInvalidUtf8) {
    const std::string bad_value =
        "{\"service_id\":\"a\xC3\x28\",\"metric_name\":\"m\",\"value\":1}";
    const std::string bad_key =
        "{\"service_id\":\"a\",\"metric_name\":\"m\",\"value\":1,"
        "\"attributes\":{\"\xFF\":\"v\"}}";
    const std::string overlong = "{\"service_id\":\"\xC0\xAF\"}";
    for (const std::string& record : {bad_value, bad_key, overlong}) {
        const ThrownError single = singleError(record);
        EXPECT_EQ(single.status, 400);
        EXPECT_EQ(single.code, "invalid_utf8");
        EXPECT_EQ(batchError("[" + std::string(kValidRecord) + "," + record + "]").code,
                  "invalid_utf8");
    }
}

TEST_F(RecordParserTest, BatchBodyMustBeAnArray) {
    for (const char* body :
         {R"({"service_id":"a","metric_name":"m","value":1})", "1", "\"x\"", "null", "true"}) {
        const ThrownError error = batchError(body);
        EXPECT_EQ(error.status, 400) << body;
        EXPECT_EQ(error.code, "invalid_batch") << body;
    }
    EXPECT_EQ(batchError("{} x").code, "invalid_json");
    EXPECT_EQ(batchError("1 2").code, "invalid_json");
}

TEST_F(RecordParserTest, EmptyBatch) {
    for (const char* body : {"[]", " [ ] \n"}) {
        const ThrownError error = batchError(body);
        EXPECT_EQ(error.status, 400);
        EXPECT_EQ(error.code, "empty_batch");
    }
    EXPECT_EQ(batchError("[] []").code, "invalid_json");
}

TEST_F(RecordParserTest, SingleBodyMustBeAnObject) {
    for (const char* body : {"[]", R"([{"service_id":"a","metric_name":"m","value":1}])", "42",
                             "-0.5e3", "1e999", "\"text\"", "null", "false", " true "}) {
        const ThrownError error = singleError(body);
        EXPECT_EQ(error.status, 400) << body;
        EXPECT_EQ(error.code, "invalid_record") << body;
    }
    for (const char* body : {"42 43", "\"a\" \"b\"", "null null", "[] x", "[1,]", "01", "-"}) {
        EXPECT_EQ(singleError(body).code, "invalid_json") << body;
    }
}

TEST_F(RecordParserTest, DeepNestingIsInvalidJsonNotACrash) {
    const std::size_t depth = 10000;
    const std::string arrays = std::string(depth, '[') + std::string(depth, ']');
    EXPECT_EQ(batchError(arrays).code, "invalid_json");
    EXPECT_EQ(singleError(arrays).code, "invalid_json");

    std::string objects;
    for (std::size_t i = 0; i < depth; ++i) objects += R"({"a":)";
    objects += "1" + std::string(depth, '}');
    EXPECT_EQ(singleError(objects).code, "invalid_json");
    EXPECT_EQ(batchError("[" + objects + "]").code, "invalid_json");

    const std::string in_attributes =
        R"({"service_id":"s","metric_name":"m","value":1,"attributes":{"k":)" + arrays + "}}";
    EXPECT_EQ(singleError(in_attributes).code, "invalid_json");

    // Unbalanced deep input is invalid too.
    EXPECT_EQ(batchError(std::string(depth, '[')).code, "invalid_json");

    // Moderate nesting inside a rejected field is fine: the record fails, not the body.
    const std::string moderate = std::string(100, '[') + std::string(100, ']');
    expectRecordError(R"({"service_id":"s","metric_name":"m","value":1,"extra":)" + moderate + "}",
                      "unknown_field");
}

// ---- Per-record errors: ApiError 400 alone, a RecordFailure in a batch. ----

TEST_F(RecordParserTest, ArrayElementThatIsNotAnObjectIsInvalidRecord) {
    for (const char* element : {"1", "\"s\"", "null", "true", "[]", R"([{"service_id":"a"}])"}) {
        const std::string batch =
            "[" + std::string(kValidRecord) + "," + element + "," + std::string(kValidRecord) + "]";
        const ParseResult result = parser_.parseBatch(batch, kTenant);
        EXPECT_EQ(result.accepted, 2u) << element;
        ASSERT_EQ(result.failures.size(), 1u) << element;
        EXPECT_EQ(result.failures[0].index, 1u);
        EXPECT_EQ(result.failures[0].error, "invalid_record");
    }
}

TEST_F(RecordParserTest, UnknownField) {
    expectRecordError(R"({"service_id":"a","metric_name":"m","value":1,"unit":"ms"})",
                      "unknown_field");
    expectRecordError(R"({"Service_id":"a","metric_name":"m","value":1})", "unknown_field");
    expectRecordError(R"({"service_id":"a","metric_name":"m","value":1,"":null})", "unknown_field");
}

TEST_F(RecordParserTest, MessagesDoNotEchoHugeInput) {
    const std::string huge_key(100000, 'k');
    const ThrownError error =
        singleError(R"({"service_id":"a",")" + huge_key + R"(":1,"metric_name":"m","value":1})");
    EXPECT_EQ(error.code, "unknown_field");
    EXPECT_LT(error.message.size(), 200u);
    EXPECT_NE(error.message.find(std::string(64, 'k')), std::string::npos);

    // Truncation never splits a UTF-8 sequence (the message is rendered as JSON).
    std::string multibyte;
    for (int i = 0; i < 100; ++i) multibyte += "\xC3\xA9";
    const ThrownError type_error =
        singleError(R"({"service_id":"a","type":")" + multibyte + R"("})");
    EXPECT_EQ(type_error.code, "invalid_type");
    const std::size_t start = type_error.message.find('\'') + 1;
    const std::size_t end = type_error.message.find("...");
    ASSERT_NE(end, std::string::npos);
    EXPECT_EQ((end - start) % 2, 0u) << type_error.message;
}

TEST_F(RecordParserTest, DuplicateField) {
    expectRecordError(R"({"service_id":"a","service_id":"b","metric_name":"m","value":1})",
                      "duplicate_field");
    expectRecordError(R"({"service_id":"a","metric_name":"m","value":1,"value":2})",
                      "duplicate_field");
    // The same key spelled with an escape is the same key.
    expectRecordError(R"({"service_id":"a","service\u005fid":"b","metric_name":"m","value":1})",
                      "duplicate_field");
    expectRecordError(
        R"({"service_id":"a","metric_name":"m","value":1,"type":null,"type":"metric"})",
        "duplicate_field");
    expectRecordError(
        R"({"service_id":"a","metric_name":"m","value":1,"attributes":{"k":"1","k":"2"}})",
        "duplicate_field");
}

TEST_F(RecordParserTest, InvalidFieldType) {
    for (const char* record : {
             R"({"service_id":1,"metric_name":"m","value":1})",
             R"({"service_id":["a"],"metric_name":"m","value":1})",
             R"({"service_id":"a","metric_name":7,"value":1})",
             R"({"service_id":"a","type":1,"metric_name":"m","value":1})",
             R"({"service_id":"a","type":"log","body":{"text":"x"}})",
             R"({"service_id":"a","metric_name":"m","value":1,"trace_id":true})",
             R"({"service_id":"a","metric_name":"m","value":1,"timestamp":1714564800})",
             R"({"service_id":"a","metric_name":"m","value":1,"attributes":["a","b"]})",
             R"({"service_id":"a","metric_name":"m","value":1,"attributes":"k=v"})",
             R"({"service_id":"a","metric_name":"m","value":1,"attributes":{"k":5}})",
             R"({"service_id":"a","metric_name":"m","value":1,"attributes":{"k":null}})",
             R"({"service_id":"a","metric_name":"m","value":1,"attributes":{"k":{"x":"y"}}})",
         }) {
        expectRecordError(record, "invalid_field_type");
    }
}

TEST_F(RecordParserTest, MissingServiceId) {
    expectRecordError(R"({"metric_name":"m","value":1})", "missing_service_id");
    expectRecordError(R"({"service_id":"","metric_name":"m","value":1})", "missing_service_id");
    expectRecordError("{}", "missing_service_id");
}

TEST_F(RecordParserTest, ControlCharactersInIdentifiersAreInvalidFieldValue) {
    expectRecordError(R"({"service_id":"a\u0001b","metric_name":"m","value":1})",
                      "invalid_field_value");
    expectRecordError(R"({"service_id":"a","metric_name":"m\n","value":1})", "invalid_field_value");
    expectRecordError(R"({"service_id":"a","metric_name":"m","value":1,"attributes":{"":"v"}})",
                      "invalid_field_value");
    // Bodies may hold any text.
    expectAccepted(R"({"service_id":"a","type":"log","body":"line\n\ttab\u0000"})",
                   storage::TelemetryType::Log);
}

TEST_F(RecordParserTest, InvalidType) {
    expectRecordError(R"({"service_id":"a","type":"gauge","metric_name":"m","value":1})",
                      "invalid_type");
    expectRecordError(R"({"service_id":"a","type":"Metric","metric_name":"m","value":1})",
                      "invalid_type");
    expectRecordError(R"({"service_id":"a","type":"","metric_name":"m","value":1})",
                      "invalid_type");
}

TEST_F(RecordParserTest, RequiredFieldsPerType) {
    for (const char* type : {"metric", "trace", "slo", "profile"}) {
        const std::string prefix =
            std::string(R"({"service_id":"a","type":")") + type + R"(","body":"b")";
        expectRecordError(prefix + R"(,"value":1})", "missing_metric_name");
        expectRecordError(prefix + R"(,"metric_name":"","value":1})", "missing_metric_name");
        expectRecordError(prefix + R"(,"metric_name":"m"})", "missing_value");
    }
    for (const char* type : {"log", "event", "profile"}) {
        const std::string prefix = std::string(R"({"service_id":"a","type":")") + type +
                                   R"(","metric_name":"m","value":1)";
        expectRecordError(prefix + "}", "missing_body");
        expectRecordError(prefix + R"(,"body":""})", "missing_body");
    }
}

TEST_F(RecordParserTest, InvalidValue) {
    for (const char* value : {R"("NaN")", R"("Infinity")", R"("1.5")", "1e999", "-1e999", "true",
                              "false", "[1]", R"({"v":1})"}) {
        expectRecordError(
            std::string(R"({"service_id":"a","metric_name":"m","value":)") + value + "}",
            "invalid_value");
    }
}

TEST_F(RecordParserTest, InvalidTimestamp) {
    for (const char* timestamp :
         {"", "yesterday", "2024-05-01", "2024-05-01 12:00:00Z", "2024-05-01T12:00:00",
          "2024-02-30T12:00:00Z", "2024-05-01T25:00:00Z", "1969-12-31T23:59:59Z",
          "2106-02-07T06:28:16Z", "2024-05-01T12:00:00.1234567890Z"}) {
        expectRecordError(std::string(R"({"service_id":"a","metric_name":"m","value":1,)"
                                      R"("timestamp":")") +
                              timestamp + "\"}",
                          "invalid_timestamp");
    }
}

TEST_F(RecordParserTest, FirstProblemWinsAndTheRestIsStillValidated) {
    const ThrownError error =
        singleError(R"({"service_id":1,"type":"nope","unknown":[{"deep":[1,2,3]}],"value":"x"})");
    EXPECT_EQ(error.code, "invalid_field_type");
    EXPECT_NE(error.message.find("service_id"), std::string::npos);
}

TEST_F(RecordParserTest, FailureIndexesAreElementPositions) {
    const std::string valid(kValidRecord);
    const std::string batch = "[" + valid + R"(,{"service_id":""},)" + valid + "," + valid +
                              R"(,7,)" + valid + R"(,{"service_id":"a","type":"x"}])";
    const ParseResult result = parser_.parseBatch(batch, kTenant);
    EXPECT_EQ(result.accepted, 4u);
    ASSERT_EQ(result.failures.size(), 3u);
    EXPECT_EQ(result.failures[0].index, 1u);
    EXPECT_EQ(result.failures[0].error, "missing_service_id");
    EXPECT_EQ(result.failures[1].index, 4u);
    EXPECT_EQ(result.failures[1].error, "invalid_record");
    EXPECT_EQ(result.failures[2].index, 6u);
    EXPECT_EQ(result.failures[2].error, "invalid_type");
    EXPECT_EQ(decodeRows(metricRows(result), storage::TelemetryType::Metric).size(), 4u);
}

TEST_F(RecordParserTest, BatchWhereEveryRecordFailsStillAnswersPerRecord) {
    const ParseResult result = parser_.parseBatch(R"([{},{"service_id":"a"}])", kTenant);
    EXPECT_EQ(result.accepted, 0u);
    EXPECT_EQ(result.encoded.total(), 0u);
    ASSERT_EQ(result.failures.size(), 2u);
    EXPECT_EQ(result.failures[1].error, "missing_metric_name");
}

}  // namespace
}  // namespace infrasage::ingest::testing
