// Prometheus remote write with the REAL Prometheus 2.42 (Debian) scraping the real
// prometheus-node-exporter every second and remote-writing to a real `infrasage serve` with an
// ingestion API key as its bearer credential: the samples stored in ClickHouse (infrasage_samples
// joined with infrasage_series) equal the raw samples Prometheus's own query API returns. Plus the
// endpoint's refusals over HTTP (nothing written), scopes and tenant isolation.
#include <fcntl.h>
#include <prometheus/remote.pb.h>
#include <prometheus/write_v2.pb.h>
#include <signal.h>
#include <snappy.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

#include "ServerTestBase.h"

extern char** environ;

namespace infrasage::testing {
namespace {

using namespace std::chrono_literals;

// A child process in its own process group, stopped (SIGTERM, then SIGKILL) with everything it
// started when the test ends, however it ends.
class ChildProcess {
  public:
    ChildProcess(std::vector<std::string> argv, const std::filesystem::path& log) {
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                         0644);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
        posix_spawnattr_setpgroup(&attr, 0);
        const int rc = posix_spawn(&pid_, args[0], &actions, &attr, args.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
        if (rc != 0) {
            pid_ = -1;
            throw std::runtime_error("cannot spawn " + argv[0]);
        }
        log_ = log;
    }
    ~ChildProcess() { stop(); }
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    bool running() {
        if (pid_ <= 0) return false;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return false;
        }
        return true;
    }

    void stop() {
        if (pid_ <= 0) return;
        ::kill(-pid_, SIGTERM);
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return;
            }
            std::this_thread::sleep_for(20ms);
        }
        ::kill(-pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

    std::string log() const {
        std::ifstream in(log_);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }

  private:
    pid_t pid_ = -1;
    std::filesystem::path log_;
};

// Waits until `url` answers 200 (a started child is ready) or the child exits.
bool waitReady(ChildProcess& child, uint16_t port, const std::string& path) {
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!child.running()) return false;
        httplib::Client c("127.0.0.1", port);
        c.set_connection_timeout(1, 0);
        if (auto r = c.Get(path); r && r->status == 200) return true;
        std::this_thread::sleep_for(100ms);
    }
    return false;
}

struct Sample {
    int64_t timestamp_ms;
    double value;
    auto operator<=>(const Sample&) const = default;
};

[[maybe_unused]] void PrintTo(const Sample& s, std::ostream* os) {
    *os << "{" << s.timestamp_ms << " ms, " << std::setprecision(17) << s.value << "}";
}

std::string snappyCompress(const std::string& raw) {
    std::string out;
    snappy::Compress(raw.data(), raw.size(), &out);
    return out;
}

int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

prometheus::WriteRequest oneSeries(const std::string& name,
                                   const std::map<std::string, std::string>& labels, double value) {
    prometheus::WriteRequest req;
    auto* ts = req.add_timeseries();
    auto* n = ts->add_labels();
    n->set_name("__name__");
    n->set_value(name);
    for (const auto& [k, v] : labels) {
        auto* l = ts->add_labels();
        l->set_name(k);
        l->set_value(v);
    }
    auto* s = ts->add_samples();
    s->set_value(value);
    s->set_timestamp(nowMs());
    return req;
}

class PrometheusRemoteWriteTest : public ServerTestBase {
  protected:
    void SetUp() override {
        ServerTestBase::SetUp();
        server_->start();
    }

    httplib::Result write(const std::string& key, const std::string& body,
                          const std::string& content_type = "application/x-protobuf",
                          const std::string& encoding = "snappy",
                          const std::string& version = "0.1.0") {
        httplib::Client c("127.0.0.1", server_->port());
        httplib::Headers headers{{"X-Prometheus-Remote-Write-Version", version}};
        if (!key.empty()) headers.emplace("Authorization", "Bearer " + key);
        if (!encoding.empty()) headers.emplace("Content-Encoding", encoding);
        return c.Post("/api/v1/prometheus/write", headers, body, content_type);
    }

    httplib::Result write(const std::string& key, const prometheus::WriteRequest& req) {
        return write(key, snappyCompress(req.SerializeAsString()));
    }

    // Remote write 2.0, as Prometheus 3 sends it.
    httplib::Result write(const std::string& key, const io::prometheus::write::v2::Request& req) {
        return write(key, snappyCompress(req.SerializeAsString()),
                     "application/x-protobuf;proto=io.prometheus.write.v2.Request", "snappy",
                     "2.0.0");
    }

    // Stored samples of one series of `tenant` (infrasage_samples joined with infrasage_series),
    // the series chosen by metric name and label values; ordered by time.
    std::vector<Sample> stored(const std::string& tenant, const std::string& metric,
                               const std::map<std::string, std::string>& labels,
                               const std::string& service = "") {
        storage::SqlBuilder sql("SELECT toUInt64(timestamp) * 1000 + timestamp_ms, value FROM ");
        sql.qualified(slug_, "infrasage_samples")
            .sql(" ANY INNER JOIN (SELECT series_id FROM ")
            .qualified(slug_, "infrasage_series")
            .sql(" WHERE tenant_id = ")
            .string(tenant)
            .sql(" AND metric_name = ")
            .string(metric);
        if (!service.empty()) sql.sql(" AND service_id = ").string(service);
        for (const auto& [k, v] : labels) {
            sql.sql(" AND label_values[indexOf(label_keys, ").string(k).sql(")] = ").string(v);
        }
        sql.sql(") USING series_id WHERE tenant_id = ").string(tenant).sql(" ORDER BY 1");
        std::vector<Sample> out;
        std::string text;
        try {
            text = query(sql.str());
        } catch (const std::exception&) {
            return out;  // tables not created yet
        }
        std::istringstream in(text);
        std::string line;
        while (std::getline(in, line)) {
            auto tab = line.find('\t');
            if (tab == std::string::npos) continue;
            out.push_back(
                {std::stoll(line.substr(0, tab)), std::strtod(line.c_str() + tab + 1, nullptr)});
        }
        return out;
    }

    std::vector<Sample> waitForSamples(const std::string& tenant, const std::string& metric,
                                       const std::map<std::string, std::string>& labels,
                                       std::size_t n, std::chrono::seconds timeout = 90s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        std::vector<Sample> got;
        while (std::chrono::steady_clock::now() < deadline) {
            got = stored(tenant, metric, labels);
            if (got.size() >= n) break;
            std::this_thread::sleep_for(250ms);
        }
        return got;
    }
};

// Prometheus's raw samples of `selector` in [end - window, end], from its own query API.
std::vector<Sample> prometheusSamples(uint16_t port, const std::string& selector, int64_t end_ms,
                                      int window_s) {
    httplib::Client c("127.0.0.1", port);
    httplib::Params params{{"query", selector + "[" + std::to_string(window_s) + "s]"},
                           {"time", std::to_string(end_ms / 1000) + "." +
                                        std::to_string(1000 + end_ms % 1000).substr(1)}};
    auto r = c.Get("/api/v1/query", params, httplib::Headers{});
    std::vector<Sample> out;
    if (!r || r->status != 200) {
        ADD_FAILURE() << "prometheus query failed: " << (r ? r->body : "no answer");
        return out;
    }
    auto body = nlohmann::json::parse(r->body);
    const auto& result = body["data"]["result"];
    if (result.size() != 1) {
        ADD_FAILURE() << "expected one series for " << selector << ": " << r->body;
        return out;
    }
    for (const auto& v : result[0]["values"]) {
        const auto ts = std::llround(v[0].get<double>() * 1000.0);
        out.push_back({ts, std::strtod(v[1].get<std::string>().c_str(), nullptr)});
    }
    return out;
}

TEST_F(PrometheusRemoteWriteTest, RealPrometheusSamplesEqualWhatItsQueryApiReports) {
    const auto key = createApiKey(tenant_, "ingestion");
    const auto dir = makeTempDir(slug_ + "-prom");
    const uint16_t exporter_port = ServerProcess::freePort();
    ChildProcess exporter({"/usr/bin/prometheus-node-exporter",
                           "--web.listen-address=127.0.0.1:" + std::to_string(exporter_port),
                           "--collector.disable-defaults", "--collector.cpu", "--collector.meminfo",
                           "--collector.loadavg"},
                          dir / "node-exporter.log");
    ASSERT_TRUE(waitReady(exporter, exporter_port, "/metrics")) << exporter.log();

    const uint16_t prom_port = ServerProcess::freePort();
    const std::string instance = "127.0.0.1:" + std::to_string(exporter_port);
    std::ofstream(dir / "prometheus.yml")
        << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        << "scrape_configs:\n  - job_name: node\n    static_configs:\n"
        << "      - targets: ['" << instance << "']\n"
        << "remote_write:\n  - url: http://127.0.0.1:" << server_->port()
        << "/api/v1/prometheus/write\n"
        << "    authorization:\n      credentials: " << key << "\n"
        << "    queue_config:\n      batch_send_deadline: 200ms\n      min_backoff: 100ms\n"
        << "      max_backoff: 1s\n      max_samples_per_send: 500\n";
    ChildProcess prometheus(
        {"/usr/bin/prometheus", "--config.file=" + (dir / "prometheus.yml").string(),
         "--storage.tsdb.path=" + (dir / "tsdb").string(),
         "--web.listen-address=127.0.0.1:" + std::to_string(prom_port)},
        dir / "prometheus.log");
    ASSERT_TRUE(waitReady(prometheus, prom_port, "/-/ready")) << prometheus.log();

    struct Probe {
        std::string metric;
        std::map<std::string, std::string> labels;
        std::string selector;
    };
    const std::vector<Probe> probes{
        {"up", {{"instance", instance}}, "up{job=\"node\"}"},
        {"node_memory_MemTotal_bytes",
         {{"instance", instance}},
         "node_memory_MemTotal_bytes{job=\"node\"}"},
        {"node_cpu_seconds_total",
         {{"instance", instance}, {"cpu", "0"}, {"mode", "idle"}},
         "node_cpu_seconds_total{job=\"node\",cpu=\"0\",mode=\"idle\"}"},
    };
    for (const auto& probe : probes) {
        auto ours = waitForSamples(tenant_, probe.metric, probe.labels, 6);
        ASSERT_GE(ours.size(), 6u) << probe.metric << "\n" << prometheus.log().substr(0, 5000);
        // A window ending at the newest stored sample, after the first one: Prometheus sends a
        // series' samples in order, so every sample it has in the window has been delivered.
        const int64_t end = ours.back().timestamp_ms;
        const int window_s = static_cast<int>((end - ours.front().timestamp_ms) / 1000) - 1;
        ASSERT_GE(window_s, 3);
        auto theirs = prometheusSamples(prom_port, probe.selector, end, window_s);
        std::vector<Sample> ours_in_window;
        for (const auto& s : ours) {
            // Prometheus 2.x range selectors are closed on both ends: [end - window, end].
            if (s.timestamp_ms >= end - window_s * 1000LL) ours_in_window.push_back(s);
        }
        EXPECT_GE(theirs.size(), 3u) << probe.metric;
        EXPECT_EQ(ours_in_window, theirs) << probe.metric;
    }

    // Identity: service_id = the job, `job` and `__name__` not repeated, the other labels kept.
    auto row = query(storage::SqlBuilder("SELECT service_id, arrayStringConcat(label_keys, ','), "
                                         "arrayStringConcat(label_values, ',') FROM ")
                         .qualified(slug_, "infrasage_series")
                         .sql(" WHERE tenant_id = ")
                         .string(tenant_)
                         .sql(" AND metric_name = 'node_cpu_seconds_total' AND has(label_values, "
                              "'idle') AND label_values[indexOf(label_keys, 'cpu')] = '0' LIMIT 1")
                         .str());
    EXPECT_EQ(row, "node\tcpu,instance,mode\t0," + instance + ",idle\n");
    prometheus.stop();
    exporter.stop();
}

TEST_F(PrometheusRemoteWriteTest, BadPayloadsAreRefusedWithStableCodesAndNothingIsWritten) {
    auto valid = oneSeries("bad_payload_probe", {{"job", "svc"}}, 1.0);
    const std::string raw = valid.SerializeAsString();
    const std::string body = snappyCompress(raw);

    auto expect = [](const httplib::Result& r, int status, const std::string& code) {
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, status) << r->body;
        EXPECT_EQ(json(r)["error"], code) << r->body;
    };
    expect(write(api_key_, body, "application/json"), 415, "unsupported_media_type");
    expect(write(api_key_, body, "application/x-protobuf;proto=example.Other"), 415,
           "unsupported_media_type");
    // A 2.0 content type with 1.0's version header: the sender is confused, nothing is guessed.
    expect(write(api_key_, body, "application/x-protobuf; proto=io.prometheus.write.v2.Request"),
           400, "unsupported_version");
    expect(write(api_key_, body, "application/x-protobuf", ""), 400, "unsupported_encoding");
    expect(write(api_key_, body, "application/x-protobuf", "lz4"), 400, "unsupported_encoding");
    expect(write(api_key_, raw), 400, "invalid_snappy");  // not compressed
    expect(write(api_key_, snappyCompress(raw.substr(0, raw.size() - 3))), 400, "invalid_protobuf");
    expect(write(api_key_, std::string("\xff\xff\xff\xff\x0f", 5)), 413, "payload_too_large");

    auto bad_utf8 = oneSeries("m", {{"job", "svc"}, {"label", "\xc3\x28"}}, 1.0);
    expect(write(api_key_, snappyCompress(bad_utf8.SerializePartialAsString())), 400,
           "invalid_utf8");
    std::map<std::string, std::string> many{{"job", "svc"}};
    for (int i = 0; i < 100; ++i) many.emplace("l" + std::to_string(i), "v");
    expect(write(api_key_, oneSeries("m", many, 1.0)), 400, "too_many_labels");
    // One invalid series refuses the request as a whole: its valid neighbour is not written.
    auto mixed = oneSeries("mixed_valid", {{"job", "svc"}}, 1.0);
    mixed.MergeFrom(oneSeries("mixed_invalid", {{"job", "svc"}, {"a\x01", "x"}}, 1.0));
    expect(write(api_key_, mixed), 400, "invalid_name");

    // A sample Prometheus may legitimately send and InfraSage does not store: 204, dropped.
    auto stale = oneSeries("stale_probe", {{"job", "svc"}}, 0.0);
    stale.mutable_timeseries(0)->mutable_samples(0)->set_value(
        std::bit_cast<double>(uint64_t{0x7ff0000000000002ULL}));
    auto r = write(api_key_, stale);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 204);

    // A valid request after all of those: once it is stored, nothing else is.
    r = write(api_key_, valid);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 204);
    EXPECT_EQ(waitForSamples(tenant_, "bad_payload_probe", {}, 1, 30s).size(), 1u);
    EXPECT_EQ(countRows("infrasage_samples"), 1u);
    EXPECT_EQ(countRows("infrasage_series"), 1u);
}

// Remote write 2.0 on the same endpoint: strings interned in a symbol table, the written counts in
// the answer's headers, and the partial-write rule (histogram samples not written → 400, the float
// samples of the request written and counted).
TEST_F(PrometheusRemoteWriteTest, RemoteWrite2IsStoredAndAnswersWithWrittenCounts) {
    namespace v2 = io::prometheus::write::v2;
    const int64_t now = nowMs();
    v2::Request req;
    for (const char* symbol : {"", "__name__", "rw2_requests_total", "job", "api", "code", "200",
                               "500", "rw2_latency_seconds"}) {
        req.add_symbols(symbol);
    }
    auto series = [&](std::initializer_list<uint32_t> refs, double value) {
        auto* ts = req.add_timeseries();
        for (auto ref : refs) ts->add_labels_refs(ref);
        auto* s = ts->add_samples();
        s->set_value(value);
        s->set_timestamp(now);
        return ts;
    };
    series({1, 2, 3, 4, 5, 6}, 41.0);
    series({1, 2, 3, 4, 5, 7}, 2.0)->add_exemplars()->set_value(0.3);  // not stored, not an error
    auto r = write(api_key_, req);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 204) << r->body;
    EXPECT_EQ(r->get_header_value("X-Prometheus-Remote-Write-Samples-Written"), "2");
    EXPECT_EQ(r->get_header_value("X-Prometheus-Remote-Write-Histograms-Written"), "0");
    EXPECT_EQ(r->get_header_value("X-Prometheus-Remote-Write-Exemplars-Written"), "0");
    auto ok = waitForSamples(tenant_, "rw2_requests_total", {{"code", "200"}}, 1, 30s);
    ASSERT_EQ(ok.size(), 1u);
    EXPECT_EQ(ok[0].value, 41.0);
    EXPECT_EQ(ok[0].timestamp_ms, now);
    EXPECT_EQ(stored(tenant_, "rw2_requests_total", {{"code", "500"}}, "api").size(), 1u);

    v2::Request mixed;
    for (const char* symbol : {"", "__name__", "rw2_latency_seconds", "rw2_up", "job", "api"}) {
        mixed.add_symbols(symbol);
    }
    auto* histogram = mixed.add_timeseries();
    for (uint32_t ref : {1U, 2U, 4U, 5U}) histogram->add_labels_refs(ref);
    histogram->add_histograms()->set_count_int(3);
    auto* up = mixed.add_timeseries();
    for (uint32_t ref : {1U, 3U, 4U, 5U}) up->add_labels_refs(ref);
    auto* sample = up->add_samples();
    sample->set_value(1.0);
    sample->set_timestamp(now);
    r = write(api_key_, mixed);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(json(r)["error"], "native_histograms_unsupported");
    EXPECT_EQ(r->get_header_value("X-Prometheus-Remote-Write-Samples-Written"), "1");
    EXPECT_EQ(r->get_header_value("X-Prometheus-Remote-Write-Histograms-Written"), "0");
    EXPECT_EQ(waitForSamples(tenant_, "rw2_up", {}, 1, 30s).size(), 1u);
    auto metrics = httplib::Client("127.0.0.1", server_->port()).Get("/metrics");
    ASSERT_TRUE(metrics);
    EXPECT_NE(
        metrics->body.find(
            R"(infrasage_ingest_records_rejected_total{error="native_histogram_unsupported"} 1)"),
        std::string::npos);

    mixed.mutable_timeseries(1)->add_labels_refs(99);  // past the symbol table
    r = write(api_key_, mixed);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(json(r)["error"], "invalid_protobuf");
    EXPECT_EQ(r->get_header_value("X-Prometheus-Remote-Write-Samples-Written"), "0");
}

TEST_F(PrometheusRemoteWriteTest, ScopesAndTenantIsolation) {
    const auto read_only = createApiKey(tenant_, "readonly");
    auto req = oneSeries("isolation_probe", {{"job", "svc"}, {"host", "h1"}}, 1.0);
    auto r = write(read_only, req);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403);
    r = write("", req);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);

    // The same series from two tenants, different values: each tenant sees its own.
    const std::string other = tenant_ + "-b";
    const auto other_key = createApiKey(other, "ingestion");
    r = write(api_key_, req);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 204);
    auto req_b = oneSeries("isolation_probe", {{"job", "svc"}, {"host", "h1"}}, 2.0);
    r = write(other_key, req_b);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 204);
    auto mine = waitForSamples(tenant_, "isolation_probe", {{"host", "h1"}}, 1, 30s);
    auto theirs = waitForSamples(other, "isolation_probe", {{"host", "h1"}}, 1, 30s);
    ASSERT_EQ(mine.size(), 1u);
    ASSERT_EQ(theirs.size(), 1u);
    EXPECT_EQ(mine[0].value, 1.0);
    EXPECT_EQ(theirs[0].value, 2.0);
    EXPECT_EQ(stored(tenant_, "isolation_probe", {}, "svc").size(), 1u);
}

}  // namespace
}  // namespace infrasage::testing
