// RemoteWriteDecoder, remote write 2.0: payloads built with libprotobuf classes generated from
// proto/prometheus/write_v2.proto (an independent encoder), snappy-compressed as senders do.
#include <gtest/gtest.h>
#include <prometheus/write_v2.pb.h>
#include <snappy.h>

#include <map>
#include <string>
#include <vector>

#include "ingest/RemoteWriteDecoder.h"
#include "support/ApiErrorCapture.h"

namespace infrasage::ingest {
namespace {

namespace v2 = io::prometheus::write::v2;
using testing::Err;
using testing::errorOf;

// Interns strings as a 2.0 sender does: symbols[0] is "", every string once.
class SymbolTable {
  public:
    explicit SymbolTable(v2::Request& req) : req_(req) { ref(""); }

    uint32_t ref(const std::string& s) {
        auto [it, inserted] = refs_.try_emplace(s, static_cast<uint32_t>(refs_.size()));
        if (inserted) {
            req_.add_symbols(s);
        }
        return it->second;
    }

  private:
    v2::Request& req_;
    std::map<std::string, uint32_t> refs_;
};

v2::TimeSeries* addSeries(v2::Request& req, SymbolTable& symbols,
                          const std::map<std::string, std::string>& labels,
                          std::initializer_list<std::pair<double, int64_t>> samples) {
    auto* ts = req.add_timeseries();
    for (const auto& [name, value] : labels) {
        ts->add_labels_refs(symbols.ref(name));
        ts->add_labels_refs(symbols.ref(value));
    }
    for (auto [value, timestamp] : samples) {
        auto* s = ts->add_samples();
        s->set_value(value);
        s->set_timestamp(timestamp);
    }
    return ts;
}

std::string body(const v2::Request& req) {
    std::string out;
    const std::string raw = req.SerializeAsString();
    snappy::Compress(raw.data(), raw.size(), &out);
    return out;
}

std::map<std::string, std::string> attributes(const SeriesSamples& s) {
    std::map<std::string, std::string> out;
    for (const auto& l : s.labels) {
        out.emplace(l.name, l.value);
    }
    return out;
}

class RemoteWriteV2DecoderTest : public ::testing::Test {
  protected:
    void decode(const v2::Request& req) {
        decoder_.decodeSnappy(body(req), out_, RemoteWriteVersion::V2);
    }

    RemoteWriteDecoder decoder_{RemoteWriteOptions{}};
    DecodedWriteRequest out_;
    v2::Request req_;
    SymbolTable symbols_{req_};
};

TEST_F(RemoteWriteV2DecoderTest, ResolvesLabelReferencesAndMapsServiceAndName) {
    addSeries(req_, symbols_,
              {{"__name__", "node_cpu_seconds_total"},
               {"cpu", "0"},
               {"instance", "host:9100"},
               {"job", "node"},
               {"mode", "idle"}},
              {{1234.5, 1700000000123}, {1235.25, 1700000001123}});
    addSeries(req_, symbols_, {{"__name__", "up"}, {"job", "node"}, {"service", "checkout"}},
              {{1.0, 1700000000000}});
    decode(req_);

    ASSERT_EQ(out_.series.size(), 2u);
    const auto& cpu = out_.series[0];
    EXPECT_EQ(cpu.metric_name, "node_cpu_seconds_total");
    EXPECT_EQ(cpu.service_id, "node");
    EXPECT_EQ(attributes(cpu), (std::map<std::string, std::string>{
                                   {"cpu", "0"}, {"instance", "host:9100"}, {"mode", "idle"}}));
    ASSERT_EQ(cpu.points.size(), 2u);
    EXPECT_EQ(cpu.points[0].timestamp_ms, 1700000000123);
    EXPECT_EQ(cpu.points[1].value, 1235.25);
    EXPECT_EQ(out_.series[1].service_id, "checkout");
    EXPECT_EQ(attributes(out_.series[1]), (std::map<std::string, std::string>{{"job", "node"}}));
    EXPECT_EQ(out_.samples, 3u);
}

// Protobuf allows fields in any order and repeated fields unpacked: the decoder takes both.
TEST_F(RemoteWriteV2DecoderTest, SymbolsAfterSeriesAndUnpackedReferencesAreAccepted) {
    auto varint = [](uint64_t v) {
        std::string out;
        for (; v >= 0x80; v >>= 7) {
            out.push_back(static_cast<char>((v & 0x7f) | 0x80));
        }
        out.push_back(static_cast<char>(v));
        return out;
    };
    auto field = [&](uint64_t number, const std::string& bytes) {
        return varint(number << 3 | 2) + varint(bytes.size()) + bytes;
    };
    // TimeSeries{labels_refs: 1, 2 (unpacked varints), samples: {timestamp 7}}
    const std::string series = varint(1 << 3) + varint(1) + varint(1 << 3) + varint(2) +
                               field(2, varint(2 << 3) + varint(7));
    const std::string raw = field(5, series) + field(4, "") + field(4, "__name__") + field(4, "up");
    decoder_.decodeProtobuf(raw, out_, RemoteWriteVersion::V2);
    ASSERT_EQ(out_.series.size(), 1u);
    EXPECT_EQ(out_.series[0].metric_name, "up");
    ASSERT_EQ(out_.series[0].points.size(), 1u);
    EXPECT_EQ(out_.series[0].points[0].timestamp_ms, 7);
}

TEST_F(RemoteWriteV2DecoderTest, HistogramsAndExemplarsAreCountedMetadataSkipped) {
    auto* ts = addSeries(req_, symbols_, {{"__name__", "rpc_seconds"}, {"job", "api"}}, {});
    ts->add_histograms()->set_count_int(10);
    ts->add_histograms()->set_count_int(12);
    auto* ex = addSeries(req_, symbols_, {{"__name__", "rpc_total"}, {"job", "api"}},
                         {{5, 1700000000000}});
    ex->add_exemplars()->set_value(1.5);
    ex->mutable_metadata()->set_type(v2::Metadata::METRIC_TYPE_COUNTER);
    ex->mutable_metadata()->set_help_ref(symbols_.ref("RPCs served"));
    ex->set_created_timestamp(1690000000000);
    decode(req_);

    ASSERT_EQ(out_.series.size(), 2u);
    EXPECT_TRUE(out_.series[0].points.empty());
    EXPECT_EQ(out_.histograms, 2u);
    EXPECT_EQ(out_.exemplars, 1u);
    EXPECT_EQ(out_.samples, 1u);
    EXPECT_EQ(out_.series[1].points[0].value, 5);
}

TEST_F(RemoteWriteV2DecoderTest, BadReferencesAreRefused) {
    auto* ts = addSeries(req_, symbols_, {{"__name__", "up"}}, {{1, 1}});
    ts->add_labels_refs(99);  // past the table, and an odd count
    EXPECT_EQ(errorOf([&] { decode(req_); }), (Err{400, "invalid_protobuf"}));

    v2::Request odd;
    SymbolTable odd_symbols(odd);
    addSeries(odd, odd_symbols, {{"__name__", "up"}}, {{1, 1}})->add_labels_refs(1);
    EXPECT_EQ(errorOf([&] { decoder_.decodeSnappy(body(odd), out_, RemoteWriteVersion::V2); }),
              (Err{400, "invalid_protobuf"}));
}

TEST_F(RemoteWriteV2DecoderTest, TheSymbolTableIsBounded) {
    RemoteWriteOptions options;
    options.max_symbols = 3;
    RemoteWriteDecoder decoder(options);
    addSeries(req_, symbols_, {{"__name__", "up"}, {"job", "node"}}, {{1, 1}});  // 5 symbols
    EXPECT_EQ(errorOf([&] { decoder.decodeSnappy(body(req_), out_, RemoteWriteVersion::V2); }),
              (Err{400, "too_many_symbols"}));
}

TEST_F(RemoteWriteV2DecoderTest, DuplicateNamesAndTooManyLabelsAreRefusedAsIn1_0) {
    auto* ts = addSeries(req_, symbols_, {{"__name__", "up"}}, {{1, 1}});
    ts->add_labels_refs(symbols_.ref("__name__"));
    ts->add_labels_refs(symbols_.ref("down"));
    EXPECT_EQ(errorOf([&] { decode(req_); }), (Err{400, "duplicate_label_name"}));

    v2::Request wide;
    SymbolTable wide_symbols(wide);
    std::map<std::string, std::string> labels{{"__name__", "m"}};
    for (int i = 0; i < 80; ++i) {
        labels.emplace("l" + std::to_string(i), "v");
    }
    addSeries(wide, wide_symbols, labels, {{1, 1}});
    EXPECT_EQ(errorOf([&] { decoder_.decodeSnappy(body(wide), out_, RemoteWriteVersion::V2); }),
              (Err{400, "too_many_labels"}));
}

// A 2.0 body read as 1.0: its fields (symbols 4, timeseries 5) are unknown to 1.0 and skipped,
// so nothing is decoded rather than garbage.
TEST_F(RemoteWriteV2DecoderTest, TheVersionDecidesWhichFieldsAreSeries) {
    addSeries(req_, symbols_, {{"__name__", "up"}}, {{1, 1}});
    std::string raw = req_.SerializeAsString();
    decoder_.decodeProtobuf(raw, out_, RemoteWriteVersion::V1);
    EXPECT_TRUE(out_.series.empty());
    decoder_.decodeProtobuf(raw, out_, RemoteWriteVersion::V2);
    EXPECT_EQ(out_.series.size(), 1u);
}

}  // namespace
}  // namespace infrasage::ingest
