#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "storage/AnomalyRowCodec.h"

namespace infrasage::storage {
namespace {

AnomalyRow sample() {
    AnomalyRow r;
    r.tenant_id = "acme";
    r.anomaly_id = "anom-0123456789abcdef";
    r.service_id = std::string("check\tout\n\0x", 12);  // bytes a text format would escape
    r.metric_name = "latency_ms";
    r.detected_at = 1712750400;
    r.value = 250.5;
    r.expected = 100.0;
    r.lower = 80.0;
    r.upper = 120.0;
    r.z_score = -7.25;
    r.anomaly_score = 0.97;
    r.severity = "critical";
    r.detector = "robust_z";
    r.rca_triggered = true;
    r.status = "acknowledged";
    r.status_changed_at = 1712750460;
    r.status_changed_by = "usr_abc";
    r.version = 1712750460123;
    return r;
}

void expectSame(const AnomalyRow& a, const AnomalyRow& b) {
    EXPECT_EQ(a.tenant_id, b.tenant_id);
    EXPECT_EQ(a.anomaly_id, b.anomaly_id);
    EXPECT_EQ(a.service_id, b.service_id);
    EXPECT_EQ(a.metric_name, b.metric_name);
    EXPECT_EQ(a.detected_at, b.detected_at);
    EXPECT_EQ(a.value, b.value);
    EXPECT_EQ(a.expected, b.expected);
    EXPECT_EQ(a.lower, b.lower);
    EXPECT_EQ(a.upper, b.upper);
    EXPECT_EQ(a.z_score, b.z_score);
    EXPECT_EQ(a.anomaly_score, b.anomaly_score);
    EXPECT_EQ(a.severity, b.severity);
    EXPECT_EQ(a.detector, b.detector);
    EXPECT_EQ(a.rca_triggered, b.rca_triggered);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.status_changed_at, b.status_changed_at);
    EXPECT_EQ(a.status_changed_by, b.status_changed_by);
    EXPECT_EQ(a.version, b.version);
}

TEST(AnomalyRowCodec, RowsRoundTripByteForByte) {
    std::vector<AnomalyRow> rows{sample(), AnomalyRow{}};
    rows[1].anomaly_id = std::string(200, 'x');  // a length that needs two LEB128 bytes
    std::string data;
    AnomalyRowCodec::encode(rows, data);
    const auto back = AnomalyRowCodec::decode(data);
    ASSERT_EQ(back.size(), 2u);
    expectSame(back[0], rows[0]);
    expectSame(back[1], rows[1]);
}

TEST(AnomalyRowCodec, ColumnsAreInTheTablesOrderAndWidths) {
    AnomalyRow r;
    r.tenant_id = "t";
    r.detected_at = 0x01020304;
    r.version = 5;
    std::string data;
    AnomalyRowCodec::encode(std::vector<AnomalyRow>{r}, data);
    // tenant "t", three empty strings, DateTime little-endian, six Float64 zeros, ...
    EXPECT_EQ(data.substr(0, 9), std::string("\x01t\x00\x00\x00\x04\x03\x02\x01", 9));
    // ..., severity, detector, rca_triggered UInt8, status "open", DateTime, "", version UInt64.
    EXPECT_EQ(data.size(), 2 + 3 + 4 + 6 * 8 + 1 + 1 + 1 + 5 + 4 + 1 + 8);
    EXPECT_EQ(data.substr(data.size() - 8), std::string("\x05\0\0\0\0\0\0\0", 8));
}

TEST(AnomalyRowCodec, TimesOutsideDateTimeAreRefusedAndNothingIsAppended) {
    std::string data = "keep";
    AnomalyRow late = sample();
    late.detected_at = int64_t{1} << 32;
    EXPECT_THROW(AnomalyRowCodec::encode(std::vector<AnomalyRow>{sample(), late}, data),
                 std::invalid_argument);
    EXPECT_EQ(data, "keep");
    AnomalyRow early = sample();
    early.status_changed_at = -1;
    EXPECT_THROW(AnomalyRowCodec::encode(std::vector<AnomalyRow>{early}, data),
                 std::invalid_argument);
    EXPECT_EQ(data, "keep");
}

TEST(AnomalyRowCodec, TruncatedInputIsAnError) {
    std::string data;
    AnomalyRowCodec::encode(std::vector<AnomalyRow>{sample()}, data);
    for (std::size_t cut : {std::size_t{1}, std::size_t{10}, data.size() - 1}) {
        EXPECT_THROW(AnomalyRowCodec::decode(std::string_view(data).substr(0, cut)),
                     std::runtime_error)
            << cut;
    }
    EXPECT_TRUE(AnomalyRowCodec::decode("").empty());
}

}  // namespace
}  // namespace infrasage::storage
