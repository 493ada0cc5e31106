// ClickHouseRowSink: RowBinary batches land in the stream's table and read back unchanged.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "storage/ClickHouseRowSink.h"
#include "storage/SchemaMigrations.h"
#include "storage/Streams.h"
#include "support/ClickHouseTestEnv.h"

namespace infrasage::storage {
namespace {

// A test-side RowBinary encoder, independent of the ingest subsystem's, so a bug shared by both
// cannot hide itself.
class RowBinary {
  public:
    RowBinary& string(std::string_view s) {
        varUInt(s.size());
        data_.append(s);
        return *this;
    }
    RowBinary& uint32(uint32_t v) { return littleEndian(v, 4); }
    RowBinary& float64(double v) { return littleEndian(std::bit_cast<uint64_t>(v), 8); }
    RowBinary& strings(const std::vector<std::string>& values) {
        varUInt(values.size());
        for (const auto& v : values) {
            string(v);
        }
        return *this;
    }
    const std::string& data() const { return data_; }

  private:
    void varUInt(uint64_t v) {
        while (v >= 0x80) {
            data_ += static_cast<char>((v & 0x7f) | 0x80);
            v >>= 7;
        }
        data_ += static_cast<char>(v);
    }
    RowBinary& littleEndian(uint64_t v, int bytes) {
        for (int i = 0; i < bytes; ++i) {
            data_ += static_cast<char>((v >> (8 * i)) & 0xff);
        }
        return *this;
    }
    std::string data_;
};

constexpr uint32_t kTs = 1'700'000'000;

class StorageRowSink : public ::testing::Test {
  protected:
    StorageRowSink() { SchemaMigrations(db_.client(), db_.name()).apply(); }

    testing::ScratchDatabase db_{"infrasage_it_storage_row_sink"};
    ClickHouseRowSink sink_{db_.client()};
};

TEST_F(StorageRowSink, MetricRowsReadBackUnchanged) {
    RowBinary rows;
    rows.string("acme").string("api").uint32(kTs).uint32(123).string("cpu").float64(0.5);
    rows.string("").strings({"host", "region"}).strings({"h1", "eu"}).uint32(kTs + 1);
    rows.string("acme").string("api").uint32(kTs + 60).uint32(0).string("cpu").float64(-1e300);
    rows.string("0af7651916cd43dd8448eb211c80319c").strings({}).strings({}).uint32(kTs + 61);
    sink_.insert(telemetryStream(TelemetryType::Metric), rows.data(), 2);

    EXPECT_EQ(db_.client().query(
                  "SELECT tenant_id, service_id, toUnixTimestamp(timestamp), timestamp_nanos, "
                  "metric_name, value, trace_id, attr_keys, attr_values, "
                  "toUnixTimestamp(received_at) FROM infrasage_metrics ORDER BY timestamp "
                  "FORMAT TabSeparated"),
              "acme\tapi\t1700000000\t123\tcpu\t0.5\t\t['host','region']\t['h1','eu']\t1700000001\n"
              "acme\tapi\t1700000060\t0\tcpu\t-1e300\t0af7651916cd43dd8448eb211c80319c\t[]\t[]\t"
              "1700000061\n");
}

TEST_F(StorageRowSink, BodyAndMetricStreamsUseTheirOwnColumns) {
    const std::string body = "GET /'x'\ttab\nnewline \xff";
    RowBinary log;
    log.string("acme").string("web").uint32(kTs).uint32(7).string(body);
    log.string("").strings({}).strings({}).uint32(kTs);
    sink_.insert(telemetryStream(TelemetryType::Log), log.data(), 1);

    RowBinary profile;
    profile.string("acme").string("web").uint32(kTs).uint32(0).string("cpu_profile");
    profile.float64(12.25).string("flamegraph").string("").strings({}).strings({}).uint32(kTs);
    sink_.insert(telemetryStream(TelemetryType::Profile), profile.data(), 1);

    EXPECT_EQ(db_.client().query("SELECT body FROM infrasage_logs FORMAT RowBinary"),
              static_cast<char>(body.size()) + body);
    EXPECT_EQ(db_.client().query(
                  "SELECT metric_name, value, body FROM infrasage_profiles FORMAT TabSeparated"),
              "cpu_profile\t12.25\tflamegraph\n");
}

TEST_F(StorageRowSink, UnknownStreamIsRejectedBeforeAnythingIsSent) {
    // Ids 0..9 and 16 are taken (storage/Streams.h, SampleTables.h); 15 and 999 are not.
    EXPECT_THROW(sink_.insert(static_cast<StreamId>(15), "x", 1), std::invalid_argument);
    EXPECT_THROW(sink_.insert(999, "x", 1), std::invalid_argument);
}

TEST_F(StorageRowSink, MalformedRowBinaryIsAServerError) {
    RowBinary truncated;
    truncated.string("acme").string("api").uint32(kTs);  // row ends mid-way
    try {
        sink_.insert(telemetryStream(TelemetryType::Metric), truncated.data(), 1);
        FAIL() << "truncated RowBinary must be refused";
    } catch (const ClickHouseError& error) {
        EXPECT_EQ(error.kind(), ClickHouseError::Kind::Server);
        EXPECT_GE(error.httpStatus(), 400);
    }
    EXPECT_EQ(db_.client().query("SELECT count() FROM infrasage_metrics FORMAT TSV"), "0\n");
}

}  // namespace
}  // namespace infrasage::storage
