// Test fixture for RecordParser: a parser on a manual clock plus helpers that check a record's
// outcome both as a single body and inside a batch between two valid records.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "RowBinaryReader.h"
#include "common/ApiError.h"
#include "common/Clock.h"
#include "ingest/RecordParser.h"

namespace infrasage::ingest::testing {

inline constexpr int64_t kSecond = 1'000'000'000;
inline constexpr int64_t kNowSeconds = 1714564800;  // 2024-05-01T12:00:00Z
inline constexpr std::string_view kTenant = "tenant-a";
inline constexpr std::string_view kValidRecord =
    R"({"service_id":"api","metric_name":"cpu","value":1.5})";

struct ThrownError {
    int status = 0;
    std::string code;
    std::string message;
};

class RecordParserTest : public ::testing::Test {
  protected:
    // The ApiError a body raises, or status 0 / code "accepted" when it raises none.
    template <typename Parse>
    static ThrownError errorOf(Parse&& parse) {
        try {
            parse();
        } catch (const ApiError& e) {
            return {e.httpStatus(), e.code(), e.what()};
        }
        return {0, "accepted", ""};
    }

    ThrownError singleError(std::string_view body) {
        return errorOf([&] { parser_.parseSingle(body, kTenant); });
    }
    ThrownError batchError(std::string_view body) {
        return errorOf([&] { parser_.parseBatch(body, kTenant); });
    }

    // `record` must be rejected with `code`: as a single body (ApiError 400) and as the middle
    // element of a batch (failure at index 1, its neighbours still encoded).
    void expectRecordError(std::string_view record, std::string_view code) {
        SCOPED_TRACE(std::string(record.substr(0, 200)));
        const ThrownError single = singleError(record);
        EXPECT_EQ(single.status, 400);
        EXPECT_EQ(single.code, code);
        EXPECT_LT(single.message.size(), 300u);

        const std::string batch = "[" + std::string(kValidRecord) + "," + std::string(record) +
                                  "," + std::string(kValidRecord) + "]";
        ParseResult result = parser_.parseBatch(batch, kTenant);
        EXPECT_EQ(result.accepted, 2u);
        ASSERT_EQ(result.failures.size(), 1u);
        EXPECT_EQ(result.failures[0].index, 1u);
        EXPECT_EQ(result.failures[0].error, code);
        EXPECT_FALSE(result.failures[0].message.empty());
        EXPECT_LT(result.failures[0].message.size(), 300u);
        EXPECT_EQ(result.encoded.total(), 2u);
        EXPECT_EQ(decodeRows(metricRows(result), storage::TelemetryType::Metric).size(), 2u);
    }

    // `record` must be accepted alone and in a batch; returns its decoded row.
    DecodedRow expectAccepted(std::string_view record,
                              storage::TelemetryType type = storage::TelemetryType::Metric) {
        SCOPED_TRACE(std::string(record.substr(0, 200)));
        const ThrownError single = singleError(record);
        EXPECT_EQ(single.code, "accepted") << single.message;
        ParseResult result = parser_.parseBatch("[" + std::string(record) + "]", kTenant);
        EXPECT_EQ(result.accepted, 1u);
        EXPECT_TRUE(result.failures.empty())
            << result.failures.front().error << ": " << result.failures.front().message;
        const auto rows = decodeRows(rowsOf(result, type), type);
        EXPECT_EQ(rows.size(), 1u);
        return rows.empty() ? DecodedRow{} : rows.front();
    }

    static const std::string& rowsOf(const ParseResult& result, storage::TelemetryType type) {
        return result.encoded.rows[static_cast<std::size_t>(type)];
    }
    static const std::string& metricRows(const ParseResult& result) {
        return rowsOf(result, storage::TelemetryType::Metric);
    }

    ManualClock clock_{kNowSeconds * kSecond};
    IngestLimits limits_;
    RecordParser parser_{limits_, clock_};
};

}  // namespace infrasage::ingest::testing
