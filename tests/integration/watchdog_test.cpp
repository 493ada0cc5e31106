// The Watchdog against the real ClickHouse: per-minute points with an injected spike for two
// tenants, the real `infrasage watchdog --once` binary, and the anomalies table afterwards — the
// row of the right tenant only, no duplicate on a re-run or a restart, an acknowledge that a
// re-run cannot overwrite, and two shards that together cover every series exactly once.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bit>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>

#include "detect/Ensemble.h"
#include "storage/AnomalyTable.h"
#include "storage/SchemaMigrations.h"
#include "support/ClickHouseTestEnv.h"
#include "support/ServerProcess.h"
#include "support/TestEnv.h"
#include "watchdog/AnomalyRecord.h"
#include "watchdog/AnomalyWriter.h"
#include "watchdog/SeriesReader.h"
#include "watchdog/WatchdogCycle.h"

namespace infrasage::watchdog {
namespace {

constexpr int64_t kT0 = 1'699'999'980;  // a minute boundary
// The ensemble reports nothing in a series' first day, so the first cycle (24 h lookback) only
// warms up; the spike comes after it.
constexpr int64_t kWarmupMinutes = 1440;
constexpr int64_t kMinutes = 1560;
constexpr int64_t kSpikeMinute = 1500;
constexpr int64_t kSettle = 30;  // WatchdogOptions' default

// A wave of period 20 minutes: nothing in it is anomalous once learnt.
double wave(int64_t minute) {
    return 100.0 + 5.0 * std::sin(6.283185307179586 * static_cast<double>(minute % 20) / 20.0);
}

double valueAt(const std::string& tenant, int64_t minute) {
    return wave(minute) + (tenant == "acme" && minute == kSpikeMinute ? 60.0 : 0.0);
}

// Precondition on the detector (tuned elsewhere): what the ensemble alone reports for a series.
std::vector<int64_t> referenceAnomalies(const std::string& tenant) {
    detect::Ensemble ensemble{detect::EnsembleOptions{}};
    std::vector<int64_t> minutes;
    for (int64_t i = 0; i < kMinutes; ++i) {
        if (ensemble.update({kT0 + i * 60, valueAt(tenant, i)}).is_anomaly) {
            minutes.push_back(i);
        }
    }
    return minutes;
}

// RowBinary for (tenant_id, service_id, timestamp, metric_name, value), written independently of
// the product's encoders.
class MetricRows {
  public:
    void add(const std::string& tenant, const std::string& service, int64_t t,
             const std::string& metric, double value) {
        string(tenant);
        string(service);
        le(static_cast<uint64_t>(t), 4);
        string(metric);
        le(std::bit_cast<uint64_t>(value), 8);
    }
    const std::string& data() const { return data_; }

  private:
    void string(const std::string& s) {
        data_ += static_cast<char>(s.size());  // names here are shorter than 128 bytes
        data_ += s;
    }
    void le(uint64_t v, unsigned n) {
        for (unsigned i = 0; i < n; ++i) {
            data_ += static_cast<char>((v >> (8U * i)) & 0xffU);
        }
    }
    std::string data_;
};

class WatchdogTest : public ::testing::Test {
  protected:
    WatchdogTest() {
        storage::SchemaMigrations(db_.client(), db_.name()).apply();
        // Two points per minute (their average is the bucket's value); the spike only for acme.
        MetricRows rows;
        for (int64_t i = 0; i < kMinutes; ++i) {
            for (const std::string tenant : {"acme", "globex"}) {
                rows.add(tenant, "api", kT0 + i * 60 + 10, "latency_ms", valueAt(tenant, i) - 1);
                rows.add(tenant, "api", kT0 + i * 60 + 40, "latency_ms", valueAt(tenant, i) + 1);
            }
        }
        insert(rows);
    }

    void SetUp() override {
        ASSERT_EQ(referenceAnomalies("acme"), std::vector<int64_t>{kSpikeMinute});
        ASSERT_TRUE(referenceAnomalies("globex").empty());
    }

    void insert(const MetricRows& rows) {
        db_.client().insert("infrasage_metrics",
                            "tenant_id, service_id, timestamp, metric_name, value", "RowBinary",
                            rows.data());
    }

    // Runs the real binary; returns its one-line JSON summary (fails the test on a bad exit).
    nlohmann::json runOnce(int64_t now, const std::string& shard = "0/1",
                           const std::filesystem::path& data_dir = {}) {
        auto dir = data_dir.empty() ? data_dir_ : data_dir;
        std::string cmd = "CLICKHOUSE_DATABASE=" + db_.name() +
                          " INFRASAGE_DATA_DIR=" + dir.string() + " INFRASAGE_LOG_LEVEL=error " +
                          testing::ServerProcess::binary() + " watchdog --once --shard " + shard +
                          " --now " + std::to_string(now) + " 2>&1";
        FILE* pipe = ::popen(cmd.c_str(), "r");
        std::string out;
        std::array<char, 4096> buf{};
        while (auto n = std::fread(buf.data(), 1, buf.size(), pipe)) {
            out.append(buf.data(), n);
        }
        int status = ::pclose(pipe);
        EXPECT_EQ(status, 0) << out;
        auto json = nlohmann::json::parse(out, nullptr, false);
        EXPECT_FALSE(json.is_discarded()) << out;
        return json;
    }

    std::string query(const std::string& sql) { return db_.client().query(sql); }

    testing::ScratchDatabase db_{"it_watchdog"};
    std::filesystem::path data_dir_ = testing::makeTempDir("watchdog-it");
};

// The time at which a cycle has read every bucket before `minute`.
int64_t nowFor(int64_t minute) {
    return kT0 + minute * 60 + kSettle;
}

TEST_F(WatchdogTest, SpikeBecomesOneOpenAnomalyOfItsTenantOnly) {
    auto warmup = runOnce(nowFor(kWarmupMinutes));
    EXPECT_EQ(warmup["since"], kT0);  // a first start reads the 24 h lookback
    EXPECT_EQ(warmup["series"], 2);
    EXPECT_EQ(warmup["points"], 2 * kWarmupMinutes);
    EXPECT_EQ(warmup["anomalies"], 0);

    auto summary = runOnce(nowFor(kMinutes));
    EXPECT_EQ(summary["since"], kT0 + kWarmupMinutes * 60);
    EXPECT_EQ(summary["points"], 2 * (kMinutes - kWarmupMinutes));
    EXPECT_EQ(summary["anomalies"], 1);
    EXPECT_TRUE(summary.contains("cycle_ms"));

    int64_t detected_at = kT0 + kSpikeMinute * 60;
    EXPECT_EQ(query("SELECT tenant_id, service_id, metric_name, toUnixTimestamp(detected_at), "
                    "abs(value - " +
                    storage::formatFloat(valueAt("acme", kSpikeMinute)) +
                    ") < 1e-9, severity IN ('low', 'medium', 'high', 'critical'), status, "
                    "version, anomaly_id, anomaly_score >= 0.5, value > upper "
                    "FROM infrasage_anomalies FINAL FORMAT TabSeparated"),
              "acme\tapi\tlatency_ms\t" + std::to_string(detected_at) + "\t1\t1\topen\t1\t" +
                  anomalyId({"acme", "api", "latency_ms"}, detected_at) + "\t1\t1\n");
    EXPECT_EQ(query("SELECT count() FROM infrasage_anomalies WHERE tenant_id = 'globex'"), "0\n");
}

TEST_F(WatchdogTest, RerunAndRestartNeverDuplicateOrReAlert) {
    EXPECT_EQ(runOnce(nowFor(kWarmupMinutes))["anomalies"], 0);
    EXPECT_EQ(runOnce(nowFor(kMinutes))["anomalies"], 1);
    auto checkpoint = checkpointPath(data_dir_, ShardSpec());
    ASSERT_TRUE(std::filesystem::exists(checkpoint));

    // Same time again: nothing new is closed, nothing is read.
    EXPECT_EQ(runOnce(nowFor(kMinutes))["skipped"], true);
    // Later, with new quiet points, from the checkpoint: the old spike is not reported again.
    MetricRows more;
    for (int64_t i = kMinutes; i < kMinutes + 10; ++i) {
        more.add("acme", "api", kT0 + i * 60 + 10, "latency_ms", wave(i));
    }
    insert(more);
    auto later = runOnce(nowFor(kMinutes + 10));
    EXPECT_EQ(later["since"], kT0 + kMinutes * 60);  // from the watermark
    EXPECT_EQ(later["points"], 10);
    EXPECT_EQ(later["anomalies"], 0);
    EXPECT_EQ(query("SELECT count(), uniqExact(anomaly_id) FROM infrasage_anomalies FINAL "
                    "FORMAT TabSeparated"),
              "1\t1\n");
}

TEST_F(WatchdogTest, CrashBeforeCheckpointReinsertsTheSameRowAndKeepsAnAcknowledge) {
    // Cycles up to just before the spike; keep that checkpoint as "the one on disk".
    EXPECT_EQ(runOnce(nowFor(kWarmupMinutes))["anomalies"], 0);
    EXPECT_EQ(runOnce(nowFor(kSpikeMinute))["anomalies"], 0);
    auto checkpoint = checkpointPath(data_dir_, ShardSpec());
    auto before = data_dir_ / "before.ckpt";
    std::filesystem::copy_file(checkpoint, before);
    EXPECT_EQ(runOnce(nowFor(kMinutes))["anomalies"], 1);

    // An operator acknowledges it (a higher version of the same row).
    auto id = anomalyId({"acme", "api", "latency_ms"}, kT0 + kSpikeMinute * 60);
    auto row_sql = query("SELECT " + std::string(storage::kAnomalyColumnList) +
                         " FROM infrasage_anomalies FINAL FORMAT TabSeparated");
    ASSERT_NE(row_sql.find(id), std::string::npos);
    query(
        "INSERT INTO infrasage_anomalies SELECT tenant_id, anomaly_id, service_id, metric_name, "
        "detected_at, value, expected, lower, upper, z_score, anomaly_score, severity, "
        "detector, rca_triggered, 'acknowledged', now(), 'user-1', 1700000000000 "
        "FROM infrasage_anomalies");

    // The process had died before renaming its checkpoint: the cycle runs again from the old one.
    std::filesystem::copy_file(before, checkpoint,
                               std::filesystem::copy_options::overwrite_existing);
    EXPECT_EQ(runOnce(nowFor(kMinutes))["anomalies"], 1);  // the same row, re-inserted
    EXPECT_EQ(query("SELECT count(), any(anomaly_id), any(status) FROM infrasage_anomalies FINAL "
                    "FORMAT TabSeparated"),
              "1\t" + id + "\tacknowledged\n");
}

TEST_F(WatchdogTest, TwoShardsCoverEverySeriesExactlyOnce) {
    MetricRows rows;
    std::set<SeriesKey> all{{"acme", "api", "latency_ms"}, {"globex", "api", "latency_ms"}};
    for (int s = 0; s < 40; ++s) {
        SeriesKey key{s % 2 == 0 ? "acme" : "globex", "svc-" + std::to_string(s % 7),
                      "m" + std::to_string(s)};
        all.insert(key);
        for (int64_t i = kSpikeMinute; i < kSpikeMinute + 5; ++i) {
            rows.add(key.tenant_id, key.service_id, kT0 + i * 60, key.metric_name, 1.0);
        }
    }
    insert(rows);

    std::set<SeriesKey> seen;
    size_t total = 0;
    for (uint32_t i = 0; i < 2; ++i) {
        WatchdogOptions options;
        options.shard = ShardSpec(i, 2);
        SeriesReader reader(db_.client(), options.shard, options.step_seconds);
        AnomalyWriter writer(db_.client());
        WatchdogCycle cycle(options, reader, writer);
        auto summary = cycle.run(nowFor(kMinutes));
        EXPECT_GT(summary.series, 0u) << "shard " << i << " got nothing: the hash does not split";
        for (const auto& [key, state] : cycle.state().series()) {
            seen.insert(key);
            ++total;
        }
    }
    EXPECT_EQ(total, all.size());  // nobody twice
    EXPECT_EQ(seen, all);          // nobody missed

    // The binary agrees: its two shards' series add up to the whole.
    auto a = runOnce(nowFor(kMinutes), "0/2", data_dir_ / "s0");
    auto b = runOnce(nowFor(kMinutes), "1/2", data_dir_ / "s1");
    EXPECT_EQ(a["series"].get<size_t>() + b["series"].get<size_t>(), all.size());
}

TEST_F(WatchdogTest, BadShardIsAUsageError) {
    std::string cmd =
        "CLICKHOUSE_DATABASE=" + db_.name() + " INFRASAGE_DATA_DIR=" + data_dir_.string() + " " +
        testing::ServerProcess::binary() + " watchdog --once --shard 2/2 >/dev/null 2>&1";
    int status = std::system(cmd.c_str());
    EXPECT_EQ(WEXITSTATUS(status), 2);
}

// Polls for a file the process under test writes (its first checkpoint); false after `timeout`.
bool waitForFile(const std::filesystem::path& path, std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (std::filesystem::exists(path)) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

TEST_F(WatchdogTest, ServeRunsTheWatchdogAndStillStopsPromptlyOnSigterm) {
    testing::ServerProcess server(data_dir_ / "serve", {{"CLICKHOUSE_DATABASE", db_.name()},
                                                        {"WATCHDOG_INTERVAL_SECONDS", "60"},
                                                        {"INFRASAGE_LOG_LEVEL", "info"}});
    server.start();
    // Its first cycle runs at start: a 24 h read over this database, then the checkpoint.
    EXPECT_TRUE(
        waitForFile(checkpointPath(data_dir_ / "serve", ShardSpec()), std::chrono::seconds(30)))
        << server.logs();
    auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(server.stop(std::chrono::seconds(15)), 0);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(15));
}

TEST_F(WatchdogTest, ServeWithoutTheWatchdogWritesNoCheckpoint) {
    testing::ServerProcess server(
        data_dir_ / "serve", {{"CLICKHOUSE_DATABASE", db_.name()}, {"WATCHDOG_ENABLED", "false"}});
    server.start();
    EXPECT_EQ(server.stop(), 0);
    EXPECT_FALSE(std::filesystem::exists(data_dir_ / "serve" / "watchdog"));
}

TEST_F(WatchdogTest, StandaloneLoopCheckpointsAndExitsOnSigterm) {
    auto dir = data_dir_ / "engine";
    std::string env = "CLICKHOUSE_DATABASE=" + db_.name() + " INFRASAGE_DATA_DIR=" + dir.string();
    std::string cmd = env + " exec " + testing::ServerProcess::binary() +
                      " watchdog --shard 1/2 >" + (data_dir_ / "engine.log").string() + " 2>&1";
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    bool checkpointed = waitForFile(checkpointPath(dir, ShardSpec(1, 2)), std::chrono::seconds(30));
    ::kill(pid, SIGTERM);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(checkpointed);
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace infrasage::watchdog
