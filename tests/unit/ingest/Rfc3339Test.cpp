#include <gtest/gtest.h>

#include <limits>

#include "ingest/Rfc3339.h"

namespace infrasage::ingest {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t k2024May1Noon = 1714564800;  // 2024-05-01T12:00:00Z

TEST(Rfc3339Test, ParsesUtcSeconds) {
    EXPECT_EQ(parseRfc3339Nanos("2024-05-01T12:00:00Z"), k2024May1Noon * kSecond);
    EXPECT_EQ(parseRfc3339Nanos("1970-01-01T00:00:00Z"), 0);
}

TEST(Rfc3339Test, AcceptsLowercaseSeparatorAndZone) {
    EXPECT_EQ(parseRfc3339Nanos("2024-05-01t12:00:00z"), k2024May1Noon * kSecond);
    EXPECT_EQ(parseRfc3339Nanos("2024-05-01T12:00:00z"), k2024May1Noon * kSecond);
}

TEST(Rfc3339Test, ParsesFractionsUpToNanoseconds) {
    EXPECT_EQ(parseRfc3339Nanos("2024-05-01T12:00:00.5Z"), k2024May1Noon * kSecond + 500'000'000);
    EXPECT_EQ(parseRfc3339Nanos("2024-05-01T12:00:00.000001Z"), k2024May1Noon * kSecond + 1'000);
    EXPECT_EQ(parseRfc3339Nanos("2024-05-01T12:00:00.123456789Z"),
              k2024May1Noon * kSecond + 123'456'789);
    EXPECT_EQ(parseRfc3339Nanos("2024-05-01T12:00:00.1234567891Z"), std::nullopt);
    EXPECT_EQ(parseRfc3339Nanos("2024-05-01T12:00:00.Z"), std::nullopt);
}

TEST(Rfc3339Test, AppliesOffsets) {
    EXPECT_EQ(parseRfc3339Nanos("2024-05-01T14:00:00+02:00"), k2024May1Noon * kSecond);
    EXPECT_EQ(parseRfc3339Nanos("2024-05-01T06:30:00-05:30"), k2024May1Noon * kSecond);
    EXPECT_EQ(parseRfc3339Nanos("2024-05-01T12:00:00+00:00"), k2024May1Noon * kSecond);
    EXPECT_EQ(parseRfc3339Nanos("2024-05-01T12:00:00.25-00:00"),
              k2024May1Noon * kSecond + 250'000'000);
    // The offset may move the instant across a day boundary.
    EXPECT_EQ(parseRfc3339Nanos("2024-05-02T01:00:00+13:00"), k2024May1Noon * kSecond);
}

TEST(Rfc3339Test, RejectsMalformedOffsets) {
    for (const char* text :
         {"2024-05-01T12:00:00+24:00", "2024-05-01T12:00:00+01:60", "2024-05-01T12:00:00+0100",
          "2024-05-01T12:00:00+01", "2024-05-01T12:00:00+01:00:00", "2024-05-01T12:00:00 +01:00",
          "2024-05-01T12:00:00", "2024-05-01T12:00:00ZZ", "2024-05-01T12:00:00UTC"}) {
        EXPECT_EQ(parseRfc3339Nanos(text), std::nullopt) << text;
    }
}

TEST(Rfc3339Test, HandlesLeapDays) {
    EXPECT_EQ(parseRfc3339Nanos("2024-02-29T00:00:00Z"), int64_t{1709164800} * kSecond);
    EXPECT_TRUE(parseRfc3339Nanos("2000-02-29T00:00:00Z"));  // divisible by 400
    EXPECT_EQ(parseRfc3339Nanos("2023-02-29T00:00:00Z"), std::nullopt);
    EXPECT_EQ(parseRfc3339Nanos("2100-02-29T00:00:00Z"), std::nullopt);  // divisible by 100
    EXPECT_EQ(parseRfc3339Nanos("2024-03-01T00:00:00Z"), int64_t{1709251200} * kSecond);
}

TEST(Rfc3339Test, RejectsOutOfRangeFields) {
    for (const char* text :
         {"2024-00-01T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-00T00:00:00Z",
          "2024-01-32T00:00:00Z", "2024-04-31T00:00:00Z", "2024-06-31T00:00:00Z",
          "2024-05-01T24:00:00Z", "2024-05-01T23:60:00Z", "2024-05-01T23:59:60Z"}) {
        EXPECT_EQ(parseRfc3339Nanos(text), std::nullopt) << text;
    }
    EXPECT_TRUE(parseRfc3339Nanos("2024-12-31T23:59:59.999999999Z"));
}

TEST(Rfc3339Test, RejectsOtherShapes) {
    for (const char* text :
         {"", "2024", "2024-05-01", "2024-05-01 12:00:00Z", "2024-05-01X12:00:00Z",
          "2024/05/01T12:00:00Z", "24-05-01T12:00:00Z", "2024-5-01T12:00:00Z",
          "2024-05-1T12:00:00Z", "2024-05-01T1:00:00Z", "+2024-05-01T12:00:00Z",
          "2024-0a-01T12:00:00Z", "2024-05-01T12:00:00.5", "2024-05-01T12:00:00,5Z",
          " 2024-05-01T12:00:00Z", "2024-05-01T12:00:00Z ", "1714564800", "now"}) {
        EXPECT_EQ(parseRfc3339Nanos(text), std::nullopt) << text;
    }
}

TEST(Rfc3339Test, AcceptsOnlyWhatFitsClickHouseDateTime) {
    EXPECT_EQ(parseRfc3339Nanos("2106-02-07T06:28:15Z"),
              int64_t{std::numeric_limits<uint32_t>::max()} * kSecond);
    EXPECT_EQ(parseRfc3339Nanos("2106-02-07T06:28:16Z"), std::nullopt);
    EXPECT_EQ(parseRfc3339Nanos("9999-12-31T23:59:59Z"), std::nullopt);
    EXPECT_EQ(parseRfc3339Nanos("1969-12-31T23:59:59Z"), std::nullopt);
    EXPECT_EQ(parseRfc3339Nanos("1970-01-01T00:30:00+01:00"), std::nullopt);
    EXPECT_EQ(parseRfc3339Nanos("0000-01-01T00:00:00Z"), std::nullopt);
}

}  // namespace
}  // namespace infrasage::ingest
