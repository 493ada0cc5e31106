// RemoteWriteDecoder: payloads built with libprotobuf classes generated from
// proto/prometheus/remote.proto (an independent encoder), then snappy-compressed as Prometheus
// does.
#include <gtest/gtest.h>
#include <prometheus/remote.pb.h>
#include <snappy.h>

#include <bit>
#include <cmath>
#include <map>
#include <string>

#include "ingest/RemoteWriteDecoder.h"
#include "support/ApiErrorCapture.h"

namespace infrasage::ingest {
namespace {

using testing::Err;
using testing::errorOf;

void addSeries(prometheus::WriteRequest& req, const std::map<std::string, std::string>& labels,
               std::initializer_list<std::pair<double, int64_t>> samples) {
    auto* ts = req.add_timeseries();
    for (const auto& [name, value] : labels) {  // std::map: sorted by name, as Prometheus sends
        auto* l = ts->add_labels();
        l->set_name(name);
        l->set_value(value);
    }
    for (auto [value, timestamp] : samples) {
        auto* s = ts->add_samples();
        s->set_value(value);
        s->set_timestamp(timestamp);
    }
}

std::string compress(const std::string& raw) {
    std::string out;
    snappy::Compress(raw.data(), raw.size(), &out);
    return out;
}

std::string body(const prometheus::WriteRequest& req) {
    return compress(req.SerializeAsString());
}

std::map<std::string, std::string> attributes(const SeriesSamples& s) {
    std::map<std::string, std::string> out;
    for (const auto& l : s.labels) {
        out.emplace(l.name, l.value);
    }
    return out;
}

// Hand-made wire bytes, for what the generated classes refuse to produce.
std::string varint(uint64_t v) {
    std::string out;
    while (v >= 0x80) {
        out.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
    return out;
}

std::string lengthField(uint64_t field, const std::string& bytes) {
    return varint(field << 3 | 2) + varint(bytes.size()) + bytes;
}

std::string rawLabel(const std::string& name, const std::string& value) {
    return lengthField(1, lengthField(1, name) + lengthField(2, value));
}

std::string rawRequest(const std::string& series) {
    return lengthField(1, series);
}

class RemoteWriteDecoderTest : public ::testing::Test {
  protected:
    RemoteWriteDecoder decoder_{RemoteWriteOptions{}};
    DecodedWriteRequest out_;
};

TEST_F(RemoteWriteDecoderTest, DecodesSeriesLabelsAndSamples) {
    prometheus::WriteRequest req;
    addSeries(req,
              {{"__name__", "node_cpu_seconds_total"},
               {"cpu", "0"},
               {"instance", "host:9100"},
               {"job", "node"},
               {"mode", "idle"}},
              {{1234.5, 1700000000123}, {1235.25, 1700000001123}});
    addSeries(req, {{"__name__", "up"}, {"job", "node"}, {"service", "checkout"}},
              {{1.0, 1700000000000}});
    decoder_.decodeSnappy(body(req), out_);

    ASSERT_EQ(out_.series.size(), 2u);
    const auto& cpu = out_.series[0];
    EXPECT_EQ(cpu.metric_name, "node_cpu_seconds_total");
    EXPECT_EQ(cpu.service_id, "node");  // no `service` label: `job`
    EXPECT_EQ(attributes(cpu), (std::map<std::string, std::string>{
                                   {"cpu", "0"}, {"instance", "host:9100"}, {"mode", "idle"}}));
    ASSERT_EQ(cpu.points.size(), 2u);
    EXPECT_EQ(cpu.points[0].timestamp_ms, 1700000000123);
    EXPECT_EQ(cpu.points[0].value, 1234.5);
    EXPECT_EQ(cpu.points[1].value, 1235.25);

    const auto& up = out_.series[1];
    EXPECT_EQ(up.service_id, "checkout");  // `service` wins over `job`, which stays an attribute
    EXPECT_EQ(attributes(up), (std::map<std::string, std::string>{{"job", "node"}}));
    EXPECT_EQ(out_.samples, 3u);
}

TEST_F(RemoteWriteDecoderTest, ServiceLabelsAreConfigurableAndDefaultToUnknown) {
    prometheus::WriteRequest req;
    addSeries(req, {{"__name__", "m"}, {"app", "cart"}, {"job", "k8s"}}, {{1, 1}});
    addSeries(req, {{"__name__", "m"}, {"other", "x"}}, {{1, 1}});
    addSeries(req, {{"__name__", "m"}, {"app", ""}, {"job", "k8s"}}, {{1, 1}});

    RemoteWriteOptions options;
    options.service_labels = {"app", "job"};
    RemoteWriteDecoder decoder(options);
    decoder.decodeSnappy(body(req), out_);
    ASSERT_EQ(out_.series.size(), 3u);
    EXPECT_EQ(out_.series[0].service_id, "cart");
    EXPECT_EQ(attributes(out_.series[0]), (std::map<std::string, std::string>{{"job", "k8s"}}));
    EXPECT_EQ(out_.series[1].service_id, "unknown");
    // An empty value is the label's absence (Prometheus semantics): the next label is used.
    EXPECT_EQ(out_.series[2].service_id, "k8s");
    EXPECT_TRUE(out_.series[2].labels.empty());
}

TEST_F(RemoteWriteDecoderTest, SkipsMetadataAndUnknownFieldsOfEveryWireType) {
    prometheus::WriteRequest req;
    addSeries(req, {{"__name__", "up"}, {"job", "node"}}, {{1.0, 1700000000000}});
    auto* md = req.add_metadata();
    md->set_metric_family_name("up");
    md->set_help("1 if the target is up");
    std::string raw = req.SerializeAsString();
    // Unknown top-level fields: 9 varint, 10 fixed64, 11 length-delimited, 12 fixed32.
    raw += std::string("\x48\x96\x01", 3);
    raw += std::string("\x51", 1) + std::string(8, '\x01');
    raw += std::string(
        "\x5a\x03"
        "abc",
        5);
    raw += std::string("\x65", 1) + std::string(4, '\x02');
    decoder_.decodeSnappy(compress(raw), out_);
    ASSERT_EQ(out_.series.size(), 1u);
    EXPECT_EQ(out_.series[0].metric_name, "up");
    ASSERT_EQ(out_.series[0].points.size(), 1u);
}

TEST_F(RemoteWriteDecoderTest, UnknownFieldsInsideSeriesLabelsAndSamplesAreSkipped) {
    // TimeSeries{label{name "__name__", value "up", 7: varint 1}, exemplars(3): {..},
    //            sample{value 2.5, timestamp 5, 9: "zz"}}
    std::string label = std::string("\x0a\x08__name__\x12\x02up\x38\x01", 16);
    std::string sample = std::string("\x09", 1);
    const auto bits = std::bit_cast<uint64_t>(2.5);
    for (int i = 0; i < 8; ++i) {
        sample.push_back(static_cast<char>(bits >> (8 * i)));
    }
    sample += std::string("\x10\x05\x4a\x02zz", 6);
    std::string series = "\x0a" + std::string(1, static_cast<char>(label.size())) + label +
                         std::string("\x1a\x02\x08\x01", 4) + "\x12" +
                         std::string(1, static_cast<char>(sample.size())) + sample;
    std::string raw = "\x0a" + std::string(1, static_cast<char>(series.size())) + series;
    decoder_.decodeProtobuf(raw, out_);
    ASSERT_EQ(out_.series.size(), 1u);
    EXPECT_EQ(out_.series[0].metric_name, "up");
    ASSERT_EQ(out_.series[0].points.size(), 1u);
    EXPECT_EQ(out_.series[0].points[0].value, 2.5);
    EXPECT_EQ(out_.series[0].points[0].timestamp_ms, 5);
}

TEST_F(RemoteWriteDecoderTest, KeepsStaleMarkersNaNAndNegativeTimestampsForTheIngestPath) {
    prometheus::WriteRequest req;
    addSeries(req, {{"__name__", "m"}},
              {{std::bit_cast<double>(kStaleMarkerBits), 10}, {std::nan(""), -5}});
    decoder_.decodeSnappy(body(req), out_);
    ASSERT_EQ(out_.series[0].points.size(), 2u);
    EXPECT_EQ(std::bit_cast<uint64_t>(out_.series[0].points[0].value), kStaleMarkerBits);
    EXPECT_TRUE(std::isnan(out_.series[0].points[1].value));
    EXPECT_EQ(out_.series[0].points[1].timestamp_ms, -5);
}

TEST_F(RemoteWriteDecoderTest, TruncatedProtobufIsRefusedAtEveryCut) {
    prometheus::WriteRequest req;
    addSeries(req, {{"__name__", "node_load1"}, {"job", "node"}}, {{0.5, 1700000000000}});
    const std::string raw = req.SerializeAsString();
    for (std::size_t cut = 1; cut < raw.size(); ++cut) {
        auto err = errorOf([&] { decoder_.decodeSnappy(compress(raw.substr(0, cut)), out_); });
        EXPECT_EQ(err, Err(400, "invalid_protobuf")) << "cut at " << cut;
    }
}

TEST_F(RemoteWriteDecoderTest, MalformedWireConstructsAreRefused) {
    const std::map<std::string, std::string> cases{
        {"field number 0", std::string("\x02\x00", 2)},
        {"group start", std::string("\x0b", 1)},
        {"wire type 6", std::string("\x0e", 1)},
        {"varint of 11 bytes", "\x48" + std::string(10, '\xff') + "\x01"},
        {"length past the end", std::string("\x0a\x05\x0a\x01", 4)},
        {"timeseries as a varint", std::string("\x08\x01", 2)},
        {"label as fixed32", std::string("\x0a\x05\x0d\x00\x00\x00\x00", 7)},
        {"sample value as varint", std::string("\x0a\x04\x12\x02\x08\x01", 6)},
        {"huge length", std::string("\x0a\xff\xff\xff\xff\x0f", 6)},
    };
    for (const auto& [name, raw] : cases) {
        EXPECT_EQ(errorOf([&] { decoder_.decodeSnappy(compress(raw), out_); }),
                  Err(400, "invalid_protobuf"))
            << name;
    }
}

TEST_F(RemoteWriteDecoderTest, WrongSnappyFramingIsRefused) {
    prometheus::WriteRequest req;
    addSeries(req, {{"__name__", "up"}}, {{1, 1}});
    const std::string raw = req.SerializeAsString();
    // Uncompressed protobuf, the snappy *framing* format's stream header, a corrupt block.
    EXPECT_EQ(errorOf([&] { decoder_.decodeSnappy(raw, out_); }).first, 400);
    const std::string framed = std::string("\xff\x06\x00\x00sNaPpY", 10) + compress(raw);
    EXPECT_EQ(errorOf([&] { decoder_.decodeSnappy(framed, out_); }), Err(400, "invalid_snappy"));
    std::string corrupt = compress(raw);
    corrupt.resize(corrupt.size() - 2);
    EXPECT_EQ(errorOf([&] { decoder_.decodeSnappy(corrupt, out_); }), Err(400, "invalid_snappy"));
    EXPECT_EQ(errorOf([&] { decoder_.decodeSnappy("", out_); }), Err(400, "invalid_snappy"));
}

TEST_F(RemoteWriteDecoderTest, OversizeDecompressedLengthIsRefusedBeforeDecompressing) {
    // A 5-byte body whose snappy header claims 4 GiB - 1: refused from the header alone.
    const std::string claim("\xff\xff\xff\xff\x0f", 5);
    EXPECT_EQ(errorOf([&] { decoder_.decodeSnappy(claim, out_); }), Err(413, "payload_too_large"));
    EXPECT_LT(out_.raw.capacity(), 1u << 20);

    RemoteWriteOptions options;
    options.max_decompressed_bytes = 100;
    RemoteWriteDecoder small(options);
    prometheus::WriteRequest req;
    addSeries(req, {{"__name__", std::string(200, 'a')}}, {{1, 1}});
    EXPECT_EQ(errorOf([&] { small.decodeSnappy(body(req), out_); }), Err(413, "payload_too_large"));
}

TEST_F(RemoteWriteDecoderTest, HugeLabelSetsSeriesAndSampleCountsAreBoundedWhileReading) {
    prometheus::WriteRequest req;
    std::map<std::string, std::string> labels{{"__name__", "m"}};
    for (int i = 0; i < 1000; ++i) {
        labels.emplace("l" + std::to_string(i), "v");
    }
    addSeries(req, labels, {{1, 1}});
    EXPECT_EQ(errorOf([&] { decoder_.decodeSnappy(body(req), out_); }),
              Err(400, "too_many_labels"));

    RemoteWriteOptions options;
    options.limits.max_series_per_request = 2;
    options.limits.max_samples_per_request = 3;
    RemoteWriteDecoder bounded(options);
    prometheus::WriteRequest three_series;
    for (int i = 0; i < 3; ++i) {
        addSeries(three_series, {{"__name__", "m"}}, {{1, 1}});
    }
    EXPECT_EQ(errorOf([&] { bounded.decodeSnappy(body(three_series), out_); }),
              Err(400, "too_many_series"));
    prometheus::WriteRequest four_samples;
    addSeries(four_samples, {{"__name__", "m"}}, {{1, 1}, {2, 2}, {3, 3}, {4, 4}});
    EXPECT_EQ(errorOf([&] { bounded.decodeSnappy(body(four_samples), out_); }),
              Err(400, "too_many_samples"));
}

TEST_F(RemoteWriteDecoderTest, DuplicateNameOrServiceLabelIsRefused) {
    const auto names = rawRequest(rawLabel("__name__", "a") + rawLabel("__name__", "b"));
    EXPECT_EQ(errorOf([&] { decoder_.decodeProtobuf(names, out_); }),
              Err(400, "duplicate_label_name"));
    const auto jobs =
        rawRequest(rawLabel("__name__", "m") + rawLabel("job", "a") + rawLabel("job", "b"));
    EXPECT_EQ(errorOf([&] { decoder_.decodeProtobuf(jobs, out_); }),
              Err(400, "duplicate_label_name"));
}

TEST_F(RemoteWriteDecoderTest, InvalidUtf8IsPassedThroughForTheIngestPathToRefuse) {
    // The decoder does not judge label text (SampleIngestService does, for every decoder).
    const std::string bad("\xff\xfe\xfd\xfc", 4);
    decoder_.decodeProtobuf(rawRequest(rawLabel("__name__", "m") + rawLabel("a", bad)), out_);
    ASSERT_EQ(out_.series.size(), 1u);
    ASSERT_EQ(out_.series[0].labels.size(), 1u);
    EXPECT_EQ(out_.series[0].labels[0].value, bad);
}

TEST_F(RemoteWriteDecoderTest, AnEmptyRequestDecodesToNoSeries) {
    decoder_.decodeSnappy(compress(""), out_);
    EXPECT_TRUE(out_.series.empty());
}

}  // namespace
}  // namespace infrasage::ingest
