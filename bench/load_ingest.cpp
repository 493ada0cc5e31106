// bench/load_ingest: load generator for POST /api/v1/telemetry/batch. Generates every request
// body before the clock starts (deterministic from --seed and --base-time), sends them over
// keep-alive connections (one thread each), and prints one JSON line with throughput, latency
// percentiles and, given --server-pid / --clickhouse-pid, the CPU both processes spent meanwhile.
// With --wait-delivered it also waits until every row is visible in ClickHouse, which gives the
// end-to-end rate compared against the direct clickhouse-client insert (bench/direct_insert.sh).
// --dump-rowbinary writes the very same rows as ClickHouse RowBinary for that reference.
#include <fmt/format.h>
#include <httplib.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "LoadSupport.h"
#include "storage/ClickHouseClient.h"

namespace infrasage::bench {
namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;

struct Options {
    std::string url;
    std::size_t connections = 4;
    std::size_t batch = 5000;
    std::size_t records = 1'000'000;
    std::size_t series = 1000;
    uint64_t seed = 42;
    int64_t base_time = 0;  // unix seconds; 0 = now
    int server_pid = 0;
    int clickhouse_pid = 0;
    std::string tenant = "dev";
    std::string api_key;  // sent as X-API-Key when set
    std::string dump_rowbinary;
    bool wait_delivered = false;
    ClickHouseArgs clickhouse;
    double wait_timeout_s = 300;
};

// One telemetry record; JSON and RowBinary are both rendered from it so that the end-to-end run
// and the direct-insert reference carry identical rows.
struct Record {
    uint32_t series = 0;
    int64_t timestamp_ns = 0;
    double value = 0;
};

constexpr std::array kMetricNames{
    "cpu_seconds",     "memory_bytes",     "http_requests", "http_errors",     "latency_ms",
    "disk_read_bytes", "disk_write_bytes", "net_rx_bytes",  "net_tx_bytes",    "gc_pause_ms",
    "queue_depth",     "open_connections", "thread_count",  "heap_used_bytes", "cache_hit_ratio",
    "db_query_ms",     "jobs_processed",   "jobs_failed",   "uptime_seconds",  "temperature_c"};
constexpr std::array kRegions{"eu-west", "eu-central", "us-east", "us-west", "ap-south"};
constexpr std::array kEnvs{"prod", "staging", "dev"};

// The identity of a series: service, metric and three attributes, fixed per series index.
struct Series {
    std::string service_id;
    std::string metric_name;
    std::string host;
    std::string region;
    std::string env;
    double scale = 1;  // typical magnitude of the series' values
};

std::vector<Series> makeSeries(std::size_t count, std::mt19937_64& rng) {
    std::vector<Series> out(count);
    std::lognormal_distribution<double> magnitude(3.0, 2.5);
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t metric = i % kMetricNames.size();
        const std::size_t service = i / kMetricNames.size();
        out[i].service_id = fmt::format("svc-{}", service);
        out[i].metric_name = kMetricNames[metric];
        out[i].host = fmt::format("h-{}", (service * 7 + metric) % 400);
        out[i].region = kRegions[service % kRegions.size()];
        out[i].env = kEnvs[(service / kRegions.size()) % kEnvs.size()];
        out[i].scale = magnitude(rng);
    }
    return out;
}

std::vector<Record> makeRecords(const Options& o, const std::vector<Series>& series,
                                std::mt19937_64& rng) {
    std::vector<Record> out(o.records);
    std::uniform_int_distribution<std::size_t> pick(0, series.size() - 1);
    std::uniform_int_distribution<int64_t> age(0, 3600 * kNanosPerSecond - 1);
    std::uniform_real_distribution<double> jitter(0.5, 1.5);
    const int64_t base_ns = o.base_time * kNanosPerSecond;
    for (auto& r : out) {
        r.series = static_cast<uint32_t>(pick(rng));
        // Microsecond precision, as most exporters send.
        r.timestamp_ns = (base_ns - age(rng)) / 1000 * 1000;
        // Three decimals keep the JSON short, as real gauges are; the parsed double is exact.
        r.value = std::round(series[r.series].scale * jitter(rng) * 1000.0) / 1000.0;
    }
    return out;
}

void appendRfc3339(std::string& out, int64_t ns) {
    const auto seconds = static_cast<time_t>(ns / kNanosPerSecond);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
                   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                   (ns % kNanosPerSecond) / 1000);
}

// Names and values are generated from fixed alphabets, so no JSON escaping is needed.
void appendJson(std::string& out, const Record& r, const Series& s) {
    fmt::format_to(std::back_inserter(out),
                   R"({{"service_id":"{}","metric_name":"{}","value":{},"timestamp":")",
                   s.service_id, s.metric_name, r.value);
    appendRfc3339(out, r.timestamp_ns);
    fmt::format_to(std::back_inserter(out),
                   R"(","attributes":{{"host":"{}","region":"{}","env":"{}"}}}})", s.host, s.region,
                   s.env);
}

std::vector<std::string> makeBodies(const Options& o, const std::vector<Record>& records,
                                    const std::vector<Series>& series) {
    std::vector<std::string> bodies;
    for (std::size_t first = 0; first < records.size(); first += o.batch) {
        const std::size_t last = std::min(records.size(), first + o.batch);
        std::string body;
        body.reserve((last - first) * 200);
        body.push_back('[');
        for (std::size_t i = first; i < last; ++i) {
            if (i != first) {
                body.push_back(',');
            }
            appendJson(body, records[i], series[records[i].series]);
        }
        body.push_back(']');
        bodies.push_back(std::move(body));
    }
    return bodies;
}

// ClickHouse RowBinary for the columns in storage::insertColumns(Metric) order.
class RowBinary {
  public:
    explicit RowBinary(std::ostream& out) : out_(out) {}

    void row(const Record& r, const Series& s, const std::string& tenant, uint32_t received_at) {
        string(tenant);
        string(s.service_id);
        fixed(static_cast<uint32_t>(r.timestamp_ns / kNanosPerSecond));
        fixed(static_cast<uint32_t>(r.timestamp_ns % kNanosPerSecond));
        string(s.metric_name);
        fixed(r.value);
        string("");  // trace_id
        varUInt(3);
        string("host");
        string("region");
        string("env");
        varUInt(3);
        string(s.host);
        string(s.region);
        string(s.env);
        fixed(received_at);
    }

  private:
    void varUInt(uint64_t v) {
        while (v >= 0x80) {
            out_.put(static_cast<char>((v & 0x7f) | 0x80));
            v >>= 7;
        }
        out_.put(static_cast<char>(v));
    }
    void string(std::string_view s) {
        varUInt(s.size());
        out_.write(s.data(), static_cast<std::streamsize>(s.size()));
    }
    template <typename T>
    void fixed(T v) {  // little-endian host, as RowBinary
        std::array<char, sizeof(T)> bytes{};
        std::memcpy(bytes.data(), &v, sizeof(T));
        out_.write(bytes.data(), bytes.size());
    }

    std::ostream& out_;
};

void dumpRowBinary(const Options& o, const std::vector<Record>& records,
                   const std::vector<Series>& series) {
    std::ofstream out(o.dump_rowbinary, std::ios::binary | std::ios::trunc);
    if (!out) {
        throw std::runtime_error("cannot write " + o.dump_rowbinary);
    }
    RowBinary writer(out);
    for (const auto& r : records) {
        writer.row(r, series[r.series], o.tenant, static_cast<uint32_t>(o.base_time));
    }
    if (!out.flush()) {
        throw std::runtime_error("write failed: " + o.dump_rowbinary);
    }
}

struct ConnectionResult {
    SendTally tally;
    std::size_t records_ok = 0;
};

// Sends bodies[index], bodies[index + stride], ... over one keep-alive connection.
ConnectionResult sendShare(const Options& o, const std::vector<std::string>& bodies,
                           const std::vector<std::size_t>& batch_records, std::size_t index,
                           std::size_t stride) {
    ConnectionResult result;
    httplib::Client client(o.url);
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true);  // otherwise Nagle + delayed ACK cap it at ~150 req/s
    client.set_read_timeout(60, 0);
    client.set_write_timeout(60, 0);
    httplib::Headers headers;
    if (!o.api_key.empty()) {
        headers.emplace("X-API-Key", o.api_key);
    }
    for (std::size_t b = index; b < bodies.size(); b += stride) {
        auto res = postWithRetry(client, "/api/v1/telemetry/batch", headers, bodies[b],
                                 "application/json", result.tally);
        if (res && res->status == 200 &&
            res->body.find(fmt::format("\"queued\":{}", batch_records[b])) != std::string::npos) {
            result.records_ok += batch_records[b];
        } else {
            result.tally.fail(res);
        }
    }
    return result;
}

int run(const Options& o) {
    std::mt19937_64 rng(o.seed);
    const auto series = makeSeries(o.series, rng);
    const auto records = makeRecords(o, series, rng);
    if (!o.dump_rowbinary.empty()) {
        dumpRowBinary(o, records, series);
    }
    if (o.url.empty()) {
        std::cout << nlohmann::json{{"mode", "dump"},
                                    {"records", records.size()},
                                    {"file", o.dump_rowbinary}}
                         .dump()
                  << std::endl;
        return 0;
    }
    const auto bodies = makeBodies(o, records, series);
    std::vector<std::size_t> batch_records;
    std::size_t body_bytes = 0;
    for (std::size_t first = 0; first < records.size(); first += o.batch) {
        batch_records.push_back(std::min(o.batch, records.size() - first));
    }
    for (const auto& b : bodies) {
        body_bytes += b.size();
    }

    const double server_cpu_before = o.server_pid ? processCpuSeconds(o.server_pid) : 0;
    const double ch_cpu_before = o.clickhouse_pid ? processCpuSeconds(o.clickhouse_pid) : 0;
    const double own_cpu_before = ownCpuSeconds();
    const auto started = Clock::now();
    std::vector<ConnectionResult> results(o.connections);
    {
        std::vector<std::jthread> threads;
        for (std::size_t c = 0; c < o.connections; ++c) {
            threads.emplace_back(
                [&, c] { results[c] = sendShare(o, bodies, batch_records, c, o.connections); });
        }
    }
    const auto acked = Clock::now();

    ConnectionResult total;
    for (auto& r : results) {
        total.tally.merge(r.tally);
        total.records_ok += r.records_ok;
    }
    std::sort(total.tally.latencies_ms.begin(), total.tally.latencies_ms.end());

    auto finished = acked;
    std::optional<storage::ClickHouseClient> clickhouse;
    if (o.wait_delivered) {
        clickhouse.emplace(o.clickhouse.options());
        finished =
            waitRowCount(*clickhouse, "infrasage_metrics", total.records_ok, o.wait_timeout_s);
    }
    const double server_cpu =
        o.server_pid ? processCpuSeconds(o.server_pid) - server_cpu_before : 0;
    const double ch_cpu =
        o.clickhouse_pid ? processCpuSeconds(o.clickhouse_pid) - ch_cpu_before : 0;

    const double own_cpu = ownCpuSeconds() - own_cpu_before;
    const std::chrono::duration<double> ack_seconds = acked - started;
    const std::chrono::duration<double> seconds = finished - started;
    const auto per_s = [&](std::chrono::duration<double> d) {
        return static_cast<double>(total.records_ok) / d.count();
    };
    const double millions = static_cast<double>(total.records_ok) / 1e6;
    nlohmann::json out{
        {"mode", o.wait_delivered ? "end_to_end" : "acknowledged"},
        {"records", total.records_ok},
        {"requests", bodies.size()},
        {"body_mb", static_cast<double>(body_bytes) / 1048576.0},
        {"connections", o.connections},
        {"batch", o.batch},
        {"seconds", seconds.count()},
        {"records_per_s", per_s(seconds)},
        {"ack_seconds", ack_seconds.count()},
        {"ack_records_per_s", per_s(ack_seconds)},
        {"p50_ms", percentile(total.tally.latencies_ms, 0.50)},
        {"p99_ms", percentile(total.tally.latencies_ms, 0.99)},
        {"max_ms", total.tally.latencies_ms.empty() ? 0.0 : total.tally.latencies_ms.back()},
        {"errors", total.tally.errors},
        {"load_generator_cpu_s", own_cpu},
        {"retries", total.tally.retries},
    };
    if (!total.tally.first_error.empty()) {
        out["first_error"] = total.tally.first_error;
    }
    if (clickhouse) {
        // Parts written by inserts (level 0, merged or not): how the server batched its inserts.
        out["inserted_parts"] = std::stoull(clickhouse->query(
            "SELECT count() FROM system.parts WHERE database = currentDatabase() AND "
            "table = 'infrasage_metrics' AND level = 0"));
    }
    if (o.server_pid) {
        out["server_cpu_s"] = server_cpu;
        out["server_cpu_s_per_million"] = millions > 0 ? server_cpu / millions : 0.0;
        out["server_peak_rss_mb"] = processPeakRssMb(o.server_pid);
    }
    if (o.clickhouse_pid) {
        out["clickhouse_cpu_s"] = ch_cpu;
        out["clickhouse_cpu_s_per_million"] = millions > 0 ? ch_cpu / millions : 0.0;
    }
    std::cout << out.dump() << std::endl;
    return total.tally.errors == 0 ? 0 : 1;
}

}  // namespace
}  // namespace infrasage::bench

int main(int argc, char** argv) {
    infrasage::bench::Options o;
    CLI::App app{"Load generator for POST /api/v1/telemetry/batch (see bench/README.md)"};
    app.add_option("--url", o.url,
                   "Server base URL, e.g. http://127.0.0.1:8080 (omit to only dump)");
    app.add_option("--connections", o.connections, "Keep-alive connections, one thread each")
        ->check(CLI::Range(1, 256));
    app.add_option("--batch", o.batch, "Records per request")->check(CLI::Range(1, 10000));
    app.add_option("--records", o.records, "Total records")->check(CLI::PositiveNumber);
    app.add_option("--series", o.series, "Distinct service x metric series")
        ->check(CLI::PositiveNumber);
    app.add_option("--seed", o.seed, "Random seed (same seed + base time = same records)");
    app.add_option("--base-time", o.base_time,
                   "Unix seconds the timestamps are at most one hour before (default: now)");
    app.add_option("--server-pid", o.server_pid, "Measure this process's CPU and peak RSS");
    app.add_option("--clickhouse-pid", o.clickhouse_pid, "Measure this process's CPU as well");
    app.add_option("--tenant", o.tenant, "tenant_id written by --dump-rowbinary");
    app.add_option("--api-key", o.api_key, "API key sent as X-API-Key (servers with auth on)")
        ->envname("INFRASAGE_BENCH_API_KEY");
    app.add_option("--dump-rowbinary", o.dump_rowbinary,
                   "Write the same records as ClickHouse RowBinary (infrasage_metrics columns)");
    app.add_flag("--wait-delivered", o.wait_delivered,
                 "After sending, wait until all rows are visible in ClickHouse");
    o.clickhouse.addTo(app);
    app.add_option("--wait-timeout", o.wait_timeout_s, "Seconds to wait for delivery");
    CLI11_PARSE(app, argc, argv);
    if (o.base_time == 0) {
        o.base_time = static_cast<int64_t>(std::time(nullptr));
    }
    if (o.wait_delivered && !o.clickhouse.complete()) {
        std::cerr << "--wait-delivered needs --clickhouse-url and --clickhouse-database\n";
        return 2;
    }
    try {
        return infrasage::bench::run(o);
    } catch (const std::exception& e) {
        std::cerr << "load_ingest: " << e.what() << "\n";
        return 1;
    }
}
