// bench/load_remote_write: load generator for Prometheus remote write 1.0 receivers (InfraSage,
// VictoriaMetrics, Prometheus), so that all of them are fed the very same payloads. Every request
// is generated before the clock starts, deterministically from --seed and --base-time-ms:
// --series series of node-exporter / application shape, one round = every series once, rounds
// --interval-ms apart and ending at the base time. Series are sharded over the --connections
// keep-alive senders as Prometheus shards them, so each series reaches the receiver in time
// order. Sends for --duration seconds and prints one JSON line: acknowledged samples per second,
// latency percentiles, and CPU seconds per million samples and peak RSS of every --pid.
#include <fmt/format.h>
#include <httplib.h>
#include <snappy.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "LoadSupport.h"
#include "storage/ClickHouseClient.h"

namespace infrasage::bench {
namespace {

struct Options {
    std::string url;
    std::string path = "/api/v1/prometheus/write";
    std::size_t connections = 2;
    std::size_t series = 100'000;
    std::size_t samples_per_request = 10'000;
    double duration_s = 40;
    double max_rate = 2'000'000;  // samples/s the pre-generated payloads must last for
    int64_t interval_ms = 10'000;
    int64_t base_time_ms = 0;  // timestamp of the last round; 0 = now
    uint64_t seed = 42;
    std::string bearer;
    std::vector<std::string> pids;  // "PID" or "NAME=PID"
    double settle_s = 0;
    std::string wait_table;  // count rows here until every acknowledged sample is visible
    ClickHouseArgs clickhouse;
    double wait_timeout_s = 300;
};

// ---- Series: label sets of node-exporter and application shape ----

using Values = std::vector<std::string_view>;
const Values kCpus{"0", "1", "2", "3", "4", "5", "6", "7"};
const Values kModes{"idle", "user", "system", "iowait", "irq", "softirq", "steal", "nice"};
const Values kDisks{"sda", "sdb", "nvme0n1", "nvme1n1"};
const Values kNics{"eth0", "eth1", "lo"};
const Values kMounts{"/", "/var", "/boot"};
const Values kMethods{"GET", "POST", "PUT", "DELETE"};
const Values kStatuses{"200", "201", "204", "400", "404", "500"};
const Values kHandlers{"/api/orders", "/api/users", "/api/cart", "/api/search", "/healthz"};
const Values kLe{"0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                 "0.5",   "1",    "2.5",   "5",    "10",  "+Inf"};
const Values kGrpcMethods{"Get", "List", "Create", "Update", "Delete"};
const Values kGrpcCodes{"OK", "NotFound", "Unavailable", "Internal"};
const Values kOps{"select", "insert", "update", "delete"};
const Values kQueues{"orders", "emails", "billing", "audit"};
const Values kUnits{"nginx",   "sshd",       "cron",    "docker",
                    "kubelet", "containerd", "chronyd", "rsyslog"};
const Values kUnitStates{"active", "inactive", "failed"};

struct Dimension {
    std::string_view name;
    const Values* values;
};
struct Metric {
    std::string_view name;
    bool app;  // job "api" on port 8080, else job "node" on port 9100
    std::vector<Dimension> dims;
};

// 50 metrics, 1-3 labels besides __name__, job and instance: 1,025 series per host (270 of node
// exporter, 755 of the application), so 100,000 series are 98 hosts.
const std::vector<Metric>& metrics() {
    static const std::vector<Metric> m{
        {"node_cpu_seconds_total", false, {{"cpu", &kCpus}, {"mode", &kModes}}},
        {"node_cpu_guest_seconds_total", false, {{"cpu", &kCpus}, {"mode", &kModes}}},
        {"node_cpu_scaling_frequency_hertz", false, {{"cpu", &kCpus}}},
        {"node_softnet_processed_total", false, {{"cpu", &kCpus}}},
        {"node_softnet_dropped_total", false, {{"cpu", &kCpus}}},
        {"node_schedstat_running_seconds_total", false, {{"cpu", &kCpus}}},
        {"node_schedstat_waiting_seconds_total", false, {{"cpu", &kCpus}}},
        {"node_disk_read_bytes_total", false, {{"device", &kDisks}}},
        {"node_disk_written_bytes_total", false, {{"device", &kDisks}}},
        {"node_disk_reads_completed_total", false, {{"device", &kDisks}}},
        {"node_disk_writes_completed_total", false, {{"device", &kDisks}}},
        {"node_disk_io_time_seconds_total", false, {{"device", &kDisks}}},
        {"node_disk_io_now", false, {{"device", &kDisks}}},
        {"node_network_receive_bytes_total", false, {{"device", &kNics}}},
        {"node_network_transmit_bytes_total", false, {{"device", &kNics}}},
        {"node_network_receive_packets_total", false, {{"device", &kNics}}},
        {"node_network_transmit_packets_total", false, {{"device", &kNics}}},
        {"node_network_receive_errs_total", false, {{"device", &kNics}}},
        {"node_network_up", false, {{"device", &kNics}}},
        {"node_filesystem_avail_bytes", false, {{"device", &kDisks}, {"mountpoint", &kMounts}}},
        {"node_filesystem_size_bytes", false, {{"device", &kDisks}, {"mountpoint", &kMounts}}},
        {"node_filesystem_files_free", false, {{"device", &kDisks}, {"mountpoint", &kMounts}}},
        {"node_systemd_unit_state", false, {{"name", &kUnits}, {"state", &kUnitStates}}},
        {"http_requests_total",
         true,
         {{"method", &kMethods}, {"status", &kStatuses}, {"handler", &kHandlers}}},
        {"http_request_duration_seconds_bucket",
         true,
         {{"method", &kMethods}, {"handler", &kHandlers}, {"le", &kLe}}},
        {"http_request_duration_seconds_sum",
         true,
         {{"method", &kMethods}, {"handler", &kHandlers}}},
        {"http_request_duration_seconds_count",
         true,
         {{"method", &kMethods}, {"handler", &kHandlers}}},
        {"http_request_size_bytes_sum", true, {{"method", &kMethods}, {"handler", &kHandlers}}},
        {"http_response_size_bytes_sum", true, {{"method", &kMethods}, {"handler", &kHandlers}}},
        {"http_requests_in_flight", true, {{"handler", &kHandlers}}},
        {"grpc_server_handled_total",
         true,
         {{"grpc_method", &kGrpcMethods}, {"grpc_code", &kGrpcCodes}}},
        {"grpc_server_started_total", true, {{"grpc_method", &kGrpcMethods}}},
        {"grpc_server_handling_seconds_bucket",
         true,
         {{"grpc_method", &kGrpcMethods}, {"le", &kLe}}},
        {"grpc_server_handling_seconds_sum", true, {{"grpc_method", &kGrpcMethods}}},
        {"grpc_server_handling_seconds_count", true, {{"grpc_method", &kGrpcMethods}}},
        {"db_query_duration_seconds_bucket", true, {{"operation", &kOps}, {"le", &kLe}}},
        {"db_query_duration_seconds_sum", true, {{"operation", &kOps}}},
        {"db_query_duration_seconds_count", true, {{"operation", &kOps}}},
        {"db_query_errors_total", true, {{"operation", &kOps}}},
        {"db_rows_affected_total", true, {{"operation", &kOps}}},
        {"queue_messages_published_total", true, {{"queue", &kQueues}}},
        {"queue_messages_consumed_total", true, {{"queue", &kQueues}, {"status", &kStatuses}}},
        {"queue_depth", true, {{"queue", &kQueues}}},
        {"queue_oldest_message_age_seconds", true, {{"queue", &kQueues}}},
        {"cache_requests_total", true, {{"handler", &kHandlers}, {"status", &kStatuses}}},
        {"cache_evictions_total", true, {{"handler", &kHandlers}}},
        {"worker_busy_ratio", true, {{"queue", &kQueues}}},
        {"outbound_requests_total", true, {{"method", &kMethods}, {"status", &kStatuses}}},
        {"outbound_request_duration_seconds_bucket", true, {{"method", &kMethods}, {"le", &kLe}}},
        {"outbound_request_duration_seconds_count", true, {{"method", &kMethods}}},
    };
    return m;
}

struct Series {
    std::string labels;  // encoded Label messages (field 1 of TimeSeries), sorted by name
    bool counter = false;
    double level = 1;       // typical magnitude
    int64_t offset_ms = 0;  // the host's scrape phase within the interval
};

// ---- Protobuf wire format: only what WriteRequest needs ----

void putVarint(std::string& out, uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

void putLengthDelimited(std::string& out, uint32_t field, std::string_view bytes) {
    putVarint(out, (field << 3) | 2);
    putVarint(out, bytes.size());
    out.append(bytes);
}

std::size_t varintSize(uint64_t v) {
    std::size_t n = 1;
    for (; v >= 0x80; v >>= 7) {
        ++n;
    }
    return n;
}

std::string encodeLabels(std::vector<std::pair<std::string, std::string>> labels) {
    std::sort(labels.begin(), labels.end());
    std::string out;
    std::string label;
    for (const auto& [name, value] : labels) {
        label.clear();
        putLengthDelimited(label, 1, name);
        putLengthDelimited(label, 2, value);
        putLengthDelimited(out, 1, label);  // TimeSeries.labels = 1
    }
    return out;
}

// Appends WriteRequest.timeseries (field 1) holding the series' labels and one Sample.
void appendTimeSeries(std::string& out, const Series& s, double value, int64_t timestamp_ms) {
    const auto ts = static_cast<uint64_t>(timestamp_ms);
    const std::size_t sample_size = 1 + 8 + 1 + varintSize(ts);
    const std::size_t series_size = s.labels.size() + 1 + varintSize(sample_size) + sample_size;
    putVarint(out, (1U << 3) | 2);
    putVarint(out, series_size);
    out.append(s.labels);
    putVarint(out, (2U << 3) | 2);  // TimeSeries.samples = 2
    putVarint(out, sample_size);
    out.push_back(static_cast<char>((1U << 3) | 1));  // Sample.value = 1, fixed64 double
    const auto bits = std::bit_cast<uint64_t>(value);
    for (int shift = 0; shift < 64; shift += 8) {
        out.push_back(static_cast<char>((bits >> shift) & 0xff));
    }
    putVarint(out, 2U << 3);  // Sample.timestamp = 2, varint
    putVarint(out, ts);
}

uint64_t splitmix64(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

double unitHash(uint64_t seed, uint64_t a, uint64_t b) {  // in [0, 1)
    const uint64_t h = splitmix64(seed ^ splitmix64(a ^ splitmix64(b)));
    return static_cast<double>(h >> 11) / 9007199254740992.0;
}

std::vector<Series> makeSeries(const Options& o) {
    std::vector<Series> out;
    out.reserve(o.series);
    for (std::size_t host = 0; out.size() < o.series; ++host) {
        const std::string ip =
            fmt::format("10.{}.{}.{}", host / 65536, host / 256 % 256, host % 256);
        const auto offset =
            static_cast<int64_t>(unitHash(o.seed, host, 1) * static_cast<double>(o.interval_ms));
        for (const auto& m : metrics()) {
            std::size_t combos = 1;
            for (const auto& d : m.dims) {
                combos *= d.values->size();
            }
            for (std::size_t c = 0; c < combos && out.size() < o.series; ++c) {
                std::vector<std::pair<std::string, std::string>> labels{
                    {"__name__", std::string(m.name)},
                    {"job", m.app ? "api" : "node"},
                    {"instance", ip + (m.app ? ":8080" : ":9100")}};
                for (std::size_t rest = c, d = 0; d < m.dims.size(); ++d) {
                    const auto& values = *m.dims[d].values;
                    labels.emplace_back(m.dims[d].name, values[rest % values.size()]);
                    rest /= values.size();
                }
                Series s;
                s.labels = encodeLabels(std::move(labels));
                s.counter = m.name.ends_with("_total") || m.name.ends_with("_count") ||
                            m.name.ends_with("_sum") || m.name.ends_with("_bucket");
                s.level = std::exp(unitHash(o.seed, out.size(), 2) * 16.0);  // 1 .. 9e6
                s.offset_ms = offset;
                out.push_back(std::move(s));
            }
        }
    }
    return out;
}

// A sample's value depends on (seed, series, round) only, so every connection count sends the
// same values. Counters rise by level * [0.5, 1) per round; gauges wander around their level.
double sampleValue(const Options& o, const Series& s, std::size_t index, std::size_t round) {
    const double h = unitHash(o.seed, index, round + 3);
    const auto r = static_cast<double>(round);
    if (s.counter) {
        return std::floor(s.level * (r + 0.5 * h));
    }
    return std::round(s.level * (1.0 + 0.2 * std::sin(r / 30.0) + 0.05 * (h - 0.5)) * 100) / 100;
}

struct Payload {
    std::string body;  // snappy-compressed WriteRequest
    std::size_t samples = 0;
};

// The requests of connection `shard`: its series (index % connections == shard), round after
// round, cut into requests of samples_per_request samples.
std::vector<Payload> makePayloads(const Options& o, const std::vector<Series>& series,
                                  std::size_t shard, std::size_t rounds, int64_t first_round_ms) {
    std::vector<Payload> out;
    std::string raw;
    Payload current;
    const auto flush = [&] {
        snappy::Compress(raw.data(), raw.size(), &current.body);
        current.body.shrink_to_fit();  // Compress leaves the worst-case capacity behind
        out.push_back(std::move(current));
        current = Payload{};
        raw.clear();
    };
    for (std::size_t round = 0; round < rounds; ++round) {
        const int64_t round_ms = first_round_ms + static_cast<int64_t>(round) * o.interval_ms;
        for (std::size_t i = shard; i < series.size(); i += o.connections) {
            appendTimeSeries(raw, series[i], sampleValue(o, series[i], i, round),
                             round_ms + series[i].offset_ms);
            if (++current.samples == o.samples_per_request) {
                flush();
            }
        }
    }
    if (current.samples > 0) {
        flush();
    }
    return out;
}

// ---- Sending ----

struct ConnectionResult {
    SendTally tally;
    std::size_t samples_ok = 0;
    bool exhausted = false;  // ran out of payloads before the deadline
};

ConnectionResult send(const Options& o, const std::vector<Payload>& payloads,
                      Clock::time_point deadline) {
    ConnectionResult result;
    httplib::Client client(o.url);
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true);
    client.set_read_timeout(60, 0);
    client.set_write_timeout(60, 0);
    httplib::Headers headers{{"Content-Encoding", "snappy"},
                             {"X-Prometheus-Remote-Write-Version", "0.1.0"},
                             {"User-Agent", "infrasage-load-remote-write"}};
    if (!o.bearer.empty()) {
        headers.emplace("Authorization", "Bearer " + o.bearer);
    }
    std::size_t next = 0;
    for (; next < payloads.size() && Clock::now() < deadline; ++next) {
        const auto& p = payloads[next];
        auto res =
            postWithRetry(client, o.path, headers, p.body, "application/x-protobuf", result.tally);
        if (res && res->status >= 200 && res->status < 300) {
            result.samples_ok += p.samples;
        } else {
            result.tally.fail(res);
        }
    }
    result.exhausted = next == payloads.size();
    return result;
}

struct Measured {
    std::string name;
    int pid = 0;
    double cpu_start = 0;
    double cpu_acked = 0;
    double cpu_end = 0;
};

std::vector<Measured> parsePids(const std::vector<std::string>& specs) {
    std::vector<Measured> out;
    for (const auto& spec : specs) {
        Measured m;
        const auto eq = spec.find('=');
        m.name = eq == std::string::npos ? spec : spec.substr(0, eq);
        m.pid = std::stoi(eq == std::string::npos ? spec : spec.substr(eq + 1));
        out.push_back(m);
    }
    return out;
}

int run(const Options& o) {
    const auto generate_started = Clock::now();
    const auto series = makeSeries(o);
    // Enough rounds that --max-rate samples/s last --duration seconds.
    const auto wanted = static_cast<std::size_t>(o.duration_s * o.max_rate);
    const std::size_t rounds = std::max<std::size_t>(1, (wanted + o.series - 1) / o.series);
    const int64_t first_round_ms = o.base_time_ms - static_cast<int64_t>(rounds) * o.interval_ms;
    std::vector<std::vector<Payload>> payloads(o.connections);
    {
        std::vector<std::jthread> threads;
        for (std::size_t c = 0; c < o.connections; ++c) {
            threads.emplace_back(
                [&, c] { payloads[c] = makePayloads(o, series, c, rounds, first_round_ms); });
        }
    }
    std::size_t payload_bytes = 0;
    std::size_t prepared = 0;
    for (const auto& list : payloads) {
        for (const auto& p : list) {
            payload_bytes += p.body.size();
            prepared += p.samples;
        }
    }
    const std::chrono::duration<double> generate_seconds = Clock::now() - generate_started;

    auto measured = parsePids(o.pids);
    for (auto& m : measured) {
        m.cpu_start = processCpuSeconds(m.pid);
    }
    const double own_cpu_before = ownCpuSeconds();
    const auto started = Clock::now();
    const auto deadline =
        started + std::chrono::milliseconds(static_cast<int64_t>(o.duration_s * 1000));
    std::vector<ConnectionResult> results(o.connections);
    {
        std::vector<std::jthread> threads;
        for (std::size_t c = 0; c < o.connections; ++c) {
            threads.emplace_back([&, c] { results[c] = send(o, payloads[c], deadline); });
        }
    }
    const auto acked = Clock::now();
    for (auto& m : measured) {
        m.cpu_acked = processCpuSeconds(m.pid);
    }
    const double own_cpu = ownCpuSeconds() - own_cpu_before;

    ConnectionResult total;
    for (auto& r : results) {
        total.tally.merge(r.tally);
        total.samples_ok += r.samples_ok;
        total.exhausted = total.exhausted || r.exhausted;
    }
    std::sort(total.tally.latencies_ms.begin(), total.tally.latencies_ms.end());

    std::optional<Clock::time_point> delivered;
    if (!o.wait_table.empty()) {
        storage::ClickHouseClient clickhouse(o.clickhouse.options());
        delivered = waitRowCount(clickhouse, o.wait_table, total.samples_ok, o.wait_timeout_s);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int64_t>(o.settle_s * 1000)));
    for (auto& m : measured) {
        m.cpu_end = processCpuSeconds(m.pid);
    }

    const std::chrono::duration<double> seconds = acked - started;
    const double millions = static_cast<double>(total.samples_ok) / 1e6;
    const auto perMillion = [&](double cpu) { return millions > 0 ? cpu / millions : 0.0; };
    nlohmann::json out{
        {"series", o.series},
        {"samples_per_request", o.samples_per_request},
        {"connections", o.connections},
        {"duration_s", o.duration_s},
        {"interval_ms", o.interval_ms},
        {"samples_prepared", prepared},
        {"payload_mb", static_cast<double>(payload_bytes) / 1048576.0},
        {"payload_bytes_per_sample", static_cast<double>(payload_bytes) /
                                         static_cast<double>(std::max<std::size_t>(1, prepared))},
        {"generate_s", generate_seconds.count()},
        {"samples", total.samples_ok},
        {"requests", total.tally.requests},
        {"seconds", seconds.count()},
        {"samples_per_s", static_cast<double>(total.samples_ok) / seconds.count()},
        {"p50_ms", percentile(total.tally.latencies_ms, 0.50)},
        {"p99_ms", percentile(total.tally.latencies_ms, 0.99)},
        {"max_ms", total.tally.latencies_ms.empty() ? 0.0 : total.tally.latencies_ms.back()},
        {"errors", total.tally.errors},
        {"retries", total.tally.retries},
        {"exhausted", total.exhausted},
        {"settle_s", o.settle_s},
        {"load_generator_cpu_s", own_cpu},
    };
    if (!total.tally.first_error.empty()) {
        out["first_error"] = total.tally.first_error;
    }
    if (delivered) {
        const std::chrono::duration<double> e2e = *delivered - started;
        out["delivered_seconds"] = e2e.count();
        out["delivered_samples_per_s"] = static_cast<double>(total.samples_ok) / e2e.count();
    }
    // cpu_s: over the send window; cpu_s_drained: until delivered (if waited) plus --settle.
    double total_cpu = 0;
    double total_drained = 0;
    nlohmann::json processes = nlohmann::json::object();
    for (const auto& m : measured) {
        const double cpu = m.cpu_acked - m.cpu_start;
        const double drained = m.cpu_end - m.cpu_start;
        total_cpu += cpu;
        total_drained += drained;
        processes[m.name] = {{"pid", m.pid},
                             {"cpu_s", cpu},
                             {"cpu_s_per_million", perMillion(cpu)},
                             {"cpu_s_drained", drained},
                             {"cpu_s_per_million_drained", perMillion(drained)},
                             {"peak_rss_mb", processPeakRssMb(m.pid)}};
    }
    out["processes"] = processes;
    out["cpu_s_per_million"] = perMillion(total_cpu);
    out["cpu_s_per_million_drained"] = perMillion(total_drained);
    std::cout << out.dump() << std::endl;
    return total.tally.errors == 0 && total.samples_ok > 0 ? 0 : 1;
}

}  // namespace
}  // namespace infrasage::bench

int main(int argc, char** argv) {
    infrasage::bench::Options o;
    CLI::App app{"Load generator for Prometheus remote write receivers (see bench/README.md)"};
    app.add_option("--url", o.url, "Receiver base URL, e.g. http://127.0.0.1:8428")->required();
    app.add_option("--path", o.path, "Write path (VictoriaMetrics and Prometheus: /api/v1/write)");
    app.add_option("--connections", o.connections, "Keep-alive connections, one thread each")
        ->check(CLI::Range(1, 256));
    app.add_option("--series", o.series, "Distinct series")->check(CLI::PositiveNumber);
    app.add_option("--samples-per-request", o.samples_per_request)->check(CLI::PositiveNumber);
    app.add_option("--duration", o.duration_s, "Seconds to send for")->check(CLI::PositiveNumber);
    app.add_option("--max-rate", o.max_rate,
                   "Samples/s the payloads are generated for (more cost memory; a receiver "
                   "faster than this runs out early, reported as exhausted)")
        ->check(CLI::PositiveNumber);
    app.add_option("--interval-ms", o.interval_ms, "Time between rounds")
        ->check(CLI::PositiveNumber);
    app.add_option("--base-time-ms", o.base_time_ms,
                   "Unix milliseconds of the last round (default: now)");
    app.add_option("--seed", o.seed, "Seed for values and scrape phases");
    app.add_option("--bearer", o.bearer, "Sent as Authorization: Bearer TOKEN")
        ->envname("REMOTE_WRITE_BEARER");
    app.add_option("--pid", o.pids, "Measure CPU and peak RSS of PID (or NAME=PID); repeatable");
    app.add_option("--settle", o.settle_s, "Seconds after sending (and delivery) still measured");
    app.add_option(
        "--wait-table", o.wait_table,
        "After sending, wait until this ClickHouse table holds every acknowledged sample");
    o.clickhouse.addTo(app);
    app.add_option("--wait-timeout", o.wait_timeout_s, "Seconds to wait for delivery");
    CLI11_PARSE(app, argc, argv);
    if (o.base_time_ms == 0) {
        o.base_time_ms = static_cast<int64_t>(std::time(nullptr)) * 1000;
    }
    if (!o.wait_table.empty() && !o.clickhouse.complete()) {
        std::cerr << "--wait-table needs --clickhouse-url and --clickhouse-database\n";
        return 2;
    }
    try {
        return infrasage::bench::run(o);
    } catch (const std::exception& e) {
        std::cerr << "load_remote_write: " << e.what() << "\n";
        return 1;
    }
}
