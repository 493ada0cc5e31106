// AnomalyRecord and AnomalyWriter: deterministic ids, the row the Watchdog writes, its RowBinary.
#include <gtest/gtest.h>

#include <regex>

#include "watchdog/AnomalyRecord.h"
#include "watchdog/AnomalyWriter.h"

namespace infrasage::watchdog {
namespace {

const SeriesKey kKey{"acme", "api", "latency_ms"};

TEST(AnomalyRecordTest, IdIsStableAcrossRunsAndVersions) {
    // Pinned: SHA-256 of the length-prefixed fields, computed independently (Python hashlib).
    EXPECT_EQ(anomalyId(kKey, 1700000040), "anom-b77ffeeb627345b9");
    EXPECT_EQ(anomalyId(kKey, 1700000040), anomalyId(SeriesKey(kKey), 1700000040));
    EXPECT_TRUE(std::regex_match(anomalyId(kKey, 0), std::regex("anom-[0-9a-f]{16}")));
}

TEST(AnomalyRecordTest, IdChangesWithEveryField) {
    auto base = anomalyId(kKey, 1700000040);
    EXPECT_NE(base, anomalyId({"other", "api", "latency_ms"}, 1700000040));
    EXPECT_NE(base, anomalyId({"acme", "web", "latency_ms"}, 1700000040));
    EXPECT_NE(base, anomalyId({"acme", "api", "cpu"}, 1700000040));
    EXPECT_NE(base, anomalyId(kKey, 1700000100));
}

TEST(AnomalyRecordTest, FieldBoundariesCannotBeShifted) {
    EXPECT_NE(anomalyId({"a|b", "c", "m"}, 1), anomalyId({"a", "b|c", "m"}, 1));
    EXPECT_NE(anomalyId({"ab", "", "m"}, 1), anomalyId({"a", "b", "m"}, 1));
}

TEST(AnomalyRecordTest, RowCarriesTheJudgementAndOpensAsWatchdogVersion) {
    detect::DetectorOutput out;
    out.anomaly_score = 0.75;
    out.expected = 100;
    out.lower = 94;
    out.upper = 106;
    out.z_score = 9;
    out.is_anomaly = true;
    out.detector = "robust_z";
    auto row = makeAnomalyRow(kKey, detect::Point{1700000040, 180}, out);
    EXPECT_EQ(row.tenant_id, "acme");
    EXPECT_EQ(row.service_id, "api");
    EXPECT_EQ(row.metric_name, "latency_ms");
    EXPECT_EQ(row.anomaly_id, anomalyId(kKey, 1700000040));
    EXPECT_EQ(row.detected_at, 1700000040);
    EXPECT_EQ(row.value, 180);
    EXPECT_EQ(row.expected, 100);
    EXPECT_EQ(row.lower, 94);
    EXPECT_EQ(row.upper, 106);
    EXPECT_EQ(row.z_score, 9);
    EXPECT_EQ(row.anomaly_score, 0.75);
    EXPECT_EQ(row.severity, "high");
    EXPECT_EQ(row.detector, "robust_z");
    EXPECT_EQ(row.status, "open");
    EXPECT_FALSE(row.rca_triggered);
    EXPECT_EQ(row.status_changed_at, 0);
    EXPECT_EQ(row.version, storage::kWatchdogVersion);
}

TEST(AnomalyRecordTest, SeverityFollowsTheScoreBands) {
    detect::DetectorOutput out;
    out.is_anomaly = true;
    for (auto [score, severity] : std::vector<std::pair<double, std::string>>{
             {0.5, "low"}, {0.65, "medium"}, {0.7, "high"}, {0.95, "critical"}}) {
        out.anomaly_score = score;
        EXPECT_EQ(makeAnomalyRow(kKey, {1, 1}, out).severity, severity) << score;
    }
}

TEST(AnomalyWriterTest, EncodesRowBinaryInColumnOrder) {
    storage::AnomalyRow row;
    row.tenant_id = "t";
    row.anomaly_id = "anom-0123456789abcdef";
    row.service_id = "s";
    row.metric_name = "m";
    row.detected_at = 0x01020304;
    row.severity = "low";
    row.detector = "d";
    row.status = "open";
    auto body = AnomalyWriter::encode({row});
    // 4 strings (1+1, 1+21, 1+1, 1+1), DateTime 4, six Float64 48, severity 1+3, detector 1+1,
    // UInt8 1, status 1+4, DateTime 4, empty string 1, UInt64 8.
    EXPECT_EQ(body.size(), 2u + 22u + 2u + 2u + 4u + 48u + 4u + 2u + 1u + 5u + 4u + 1u + 8u);
    EXPECT_EQ(body.substr(0, 2), std::string("\x01t", 2));
    EXPECT_EQ(body.substr(28, 4), std::string("\x04\x03\x02\x01", 4));
    EXPECT_EQ(body.back(), '\0');
    EXPECT_EQ(body[body.size() - 8], '\x01');  // version 1, little-endian
    row.detected_at = -1;
    EXPECT_THROW(AnomalyWriter::encode({row}), std::invalid_argument);
}

}  // namespace
}  // namespace infrasage::watchdog
