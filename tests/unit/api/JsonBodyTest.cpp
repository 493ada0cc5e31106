#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <utility>

#include "api/JsonBody.h"
#include "common/ApiError.h"
#include "support/ApiErrorCapture.h"

namespace infrasage::api {
namespace {

using testing::Err;
using testing::errorOf;

Err parseError(std::string_view text) {
    return errorOf([&] { JsonBody body(text, {"name", "scope", "rate_limit_rps", "active"}); });
}

TEST(JsonBodyTest, ReadsTheListedFields) {
    const JsonBody body(R"({"name":"collector","rate_limit_rps":50,"active":false})",
                        {"name", "scope", "rate_limit_rps", "active"});
    EXPECT_EQ(body.requiredString("name"), "collector");
    EXPECT_EQ(body.optionalString("name"), "collector");
    EXPECT_EQ(body.optionalString("scope"), std::nullopt);
    EXPECT_EQ(body.optionalInteger("rate_limit_rps"), 50);
    EXPECT_EQ(body.optionalBool("active"), false);
}

TEST(JsonBodyTest, AnEmptyBodyIsAnEmptyObject) {
    for (const char* text : {"", "  ", "\r\n\t "}) {
        const JsonBody body(text, {"name"});
        EXPECT_EQ(body.optionalString("name"), std::nullopt);
        EXPECT_EQ(errorOf([&] { body.requiredString("name"); }), Err(400, "missing_field"));
    }
}

TEST(JsonBodyTest, OnlyAJsonObjectIsAccepted) {
    for (const char* text :
         {"{", "{\"name\":}", "nul", "[]", "[{\"name\":\"x\"}]", "\"name\"", "42", "null", "true",
          "{\"name\":\"x\"} trailing", "{\"name\":\"x\"}{}", "{'name':'x'}", "{name:\"x\"}"}) {
        EXPECT_EQ(parseError(text), Err(400, "invalid_json")) << text;
    }
    EXPECT_EQ(parseError("{}"), Err(0, "no error"));
}

TEST(JsonBodyTest, UnknownFieldsAreRefused) {
    EXPECT_EQ(parseError(R"({"name":"x","role":"super_admin"})"), Err(400, "unknown_field"));
    EXPECT_EQ(parseError(R"({"Name":"x"})"), Err(400, "unknown_field"));  // case matters
    EXPECT_EQ(parseError(R"({"tenant_id":"globex"})"), Err(400, "unknown_field"));
    // Even an empty allow-list: nothing may be sent.
    EXPECT_EQ(errorOf([] { JsonBody body(R"({"x":1})", {}); }), Err(400, "unknown_field"));
    EXPECT_EQ(errorOf([] { JsonBody body("{}", {}); }), Err(0, "no error"));
}

TEST(JsonBodyTest, TheUnknownFieldNameInTheMessageIsBounded) {
    const std::string key(10000, 'k');
    try {
        JsonBody body("{\"" + key + "\":1}", {"name"});
        FAIL() << "accepted an unknown field";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.code(), "unknown_field");
        EXPECT_LT(std::string(e.what()).size(), 200u);
    }
}

TEST(JsonBodyTest, BodiesOver64KiBAre413) {
    // A valid object padded with whitespace to exactly 64 KiB is accepted; one byte more is not.
    std::string body = R"({"name":"x"})";
    body.append(64 * 1024 - body.size(), ' ');
    EXPECT_EQ(parseError(body), Err(0, "no error"));
    body.push_back(' ');
    EXPECT_EQ(parseError(body), Err(413, "payload_too_large"));
}

TEST(JsonBodyTest, WrongTypesAreRefusedNotCoerced) {
    const JsonBody body(
        R"({"s":5,"i":"5","f":1.5,"b":"true","n":1,"arr":["x"],"obj":{"x":1},"e":""})",
        {"s", "i", "f", "b", "n", "arr", "obj", "e"});
    const Err wrong(400, "invalid_field_type");
    EXPECT_EQ(errorOf([&] { body.optionalString("s"); }), wrong);
    EXPECT_EQ(errorOf([&] { body.requiredString("s"); }), wrong);
    EXPECT_EQ(errorOf([&] { body.optionalString("arr"); }), wrong);
    EXPECT_EQ(errorOf([&] { body.optionalString("obj"); }), wrong);
    EXPECT_EQ(errorOf([&] { body.optionalInteger("i"); }), wrong);
    EXPECT_EQ(errorOf([&] { body.optionalInteger("f"); }), wrong);
    EXPECT_EQ(errorOf([&] { body.optionalInteger("b"); }), wrong);
    EXPECT_EQ(errorOf([&] { body.optionalBool("b"); }), wrong);
    EXPECT_EQ(errorOf([&] { body.optionalBool("n"); }), wrong);  // 1 is not true
    // An empty string is present but does not satisfy a required field.
    EXPECT_EQ(body.optionalString("e"), "");
    EXPECT_EQ(errorOf([&] { body.requiredString("e"); }), Err(400, "missing_field"));
}

TEST(JsonBodyTest, NullMeansAbsent) {
    const JsonBody body(R"({"name":null,"rate_limit_rps":null,"active":null})",
                        {"name", "rate_limit_rps", "active"});
    EXPECT_EQ(body.optionalString("name"), std::nullopt);
    EXPECT_EQ(body.optionalInteger("rate_limit_rps"), std::nullopt);
    EXPECT_EQ(body.optionalBool("active"), std::nullopt);
    EXPECT_EQ(errorOf([&] { body.requiredString("name"); }), Err(400, "missing_field"));
}

TEST(JsonBodyTest, IntegersInt64RangeIsExact) {
    const JsonBody body(R"({"max":9223372036854775807,"min":-9223372036854775808,"zero":0})",
                        {"max", "min", "zero"});
    EXPECT_EQ(body.optionalInteger("max"), INT64_MAX);
    EXPECT_EQ(body.optionalInteger("min"), INT64_MIN);
    EXPECT_EQ(body.optionalInteger("zero"), 0);
}

}  // namespace
}  // namespace infrasage::api

namespace infrasage::api {
namespace {

TEST(JsonBodyTest, IntegersBeyondInt64AreRefusedNotWrapped) {
    const JsonBody body(R"({"over":9223372036854775808,"max_u64":18446744073709551615,"ok":7})",
                        {"over", "max_u64", "ok"});
    EXPECT_EQ(errorOf([&] { body.optionalInteger("over"); }), Err(400, "invalid_field_type"));
    EXPECT_EQ(errorOf([&] { body.optionalInteger("max_u64"); }), Err(400, "invalid_field_type"));
    EXPECT_EQ(body.optionalInteger("ok"), 7);
}

}  // namespace
}  // namespace infrasage::api
