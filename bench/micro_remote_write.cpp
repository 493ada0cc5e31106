// Remote write decoding cost per million samples on one thread: snappy alone, snappy + the
// hand-written zero-copy wire reader (ingest/RemoteWriteDecoder, what the server runs), and
// snappy + libprotobuf classes generated from proto/prometheus/remote.proto (parse, then read
// every label and sample once). Payloads: 10,000 series of node-exporter shape (8 labels), one
// sample each, as Prometheus sends them. The counter `cpu_s_per_M_samples` is the figure.
//   build-x/bench/bench_micro_remote_write
#include <benchmark/benchmark.h>
#include <prometheus/remote.pb.h>
#include <snappy.h>

#include <string>

#include "ingest/RemoteWriteDecoder.h"

namespace {

constexpr int kSeries = 10000;

std::string makePayload() {
    prometheus::WriteRequest req;
    const int64_t ts = 1700000000000;
    for (int i = 0; i < kSeries; ++i) {
        auto* series = req.add_timeseries();
        auto label = [&](const std::string& name, const std::string& value) {
            auto* l = series->add_labels();
            l->set_name(name);
            l->set_value(value);
        };
        label("__name__", "node_cpu_seconds_total");
        label("cpu", std::to_string(i % 64));
        label("datacenter", "eu-west-" + std::to_string(i % 3));
        label("instance", "host-" + std::to_string(i / 64) + ".example.internal:9100");
        label("job", "node");
        label("mode", i % 2 == 0 ? "idle" : "user");
        label("region", "eu");
        label("team", "platform");
        auto* s = series->add_samples();
        s->set_value(12345.67 + i);
        s->set_timestamp(ts + i);
    }
    std::string compressed;
    const auto raw = req.SerializeAsString();
    snappy::Compress(raw.data(), raw.size(), &compressed);
    return compressed;
}

const std::string& payload() {
    static const std::string p = makePayload();
    return p;
}

void report(benchmark::State& state) {
    state.counters["cpu_s_per_M_samples"] =
        benchmark::Counter(static_cast<double>(state.iterations()) * kSeries / 1e6,
                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    state.SetItemsProcessed(state.iterations() * kSeries);
}

void BM_SnappyOnly(benchmark::State& state) {
    std::string raw;
    for (auto _ : state) {
        snappy::Uncompress(payload().data(), payload().size(), &raw);
        benchmark::DoNotOptimize(raw.data());
    }
    report(state);
}
BENCHMARK(BM_SnappyOnly);

void BM_HandWrittenWireReader(benchmark::State& state) {
    const infrasage::ingest::RemoteWriteDecoder decoder{infrasage::ingest::RemoteWriteOptions{}};
    infrasage::ingest::DecodedWriteRequest out;
    for (auto _ : state) {
        decoder.decodeSnappy(payload(), out);
        benchmark::DoNotOptimize(out.series.data());
    }
    report(state);
}
BENCHMARK(BM_HandWrittenWireReader);

void BM_Libprotobuf(benchmark::State& state) {
    std::string raw;
    prometheus::WriteRequest req;
    for (auto _ : state) {
        snappy::Uncompress(payload().data(), payload().size(), &raw);
        req.ParseFromString(raw);
        std::size_t bytes = 0;
        double sum = 0;
        for (const auto& series : req.timeseries()) {
            for (const auto& l : series.labels()) {
                bytes += l.name().size() + l.value().size();
            }
            for (const auto& s : series.samples()) {
                sum += s.value() + static_cast<double>(s.timestamp());
            }
        }
        benchmark::DoNotOptimize(bytes);
        benchmark::DoNotOptimize(sum);
    }
    report(state);
}
BENCHMARK(BM_Libprotobuf);

}  // namespace

BENCHMARK_MAIN();
