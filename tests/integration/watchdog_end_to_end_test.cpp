// Issue 4 end to end, with real parts only: a metric series with an injected spike is ingested
// over HTTP (the JSON batch endpoint, an API key of tenant A), the real `infrasage watchdog
// --once` binary runs its cycles over the server's ClickHouse database, and the anomaly is found
// through the anomalies API with the right service, metric, time and value. Tenant B ingests the
// same series without the spike: it sees no anomaly, and A's anomaly id is 404 for it.
//
// Ingestion accepts timestamps up to 24 h old and 10 min ahead, and the ensemble reports nothing
// in a series' first day; so the series spans just over a day (from now − 24 h + 2 min to the
// spike at now + 5 min), and the first cycle, run as of an early time, starts the detectors at
// the series' first point.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>

#include "ServerTestBase.h"
#include "storage/AnomalyTable.h"

namespace infrasage::testing {
namespace {

constexpr int64_t kSpikeLead = 5 * 60;             // the spike, ahead of the wall clock
constexpr int64_t kFirstAge = 24 * 3600 - 2 * 60;  // the first point, behind it
constexpr double kSpike = 60.0;

std::string rfc3339(int64_t unix_seconds) {
    const auto t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::array<char, 32> buf{};
    std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf.data();
}

// A wave of period 20 minutes: nothing in it is anomalous once learnt.
double wave(int64_t minute) {
    return 100.0 + 5.0 * std::sin(6.283185307179586 * static_cast<double>(minute % 20) / 20.0);
}

class WatchdogEndToEndTest : public ServerTestBase {
  protected:
    void SetUp() override {
        ServerTestBase::SetUp();
        // Cycles are run by the test, at the times it chooses, not by the server's own Watchdog.
        server_ = makeServer({{"WATCHDOG_ENABLED", "false"}});
        server_->start();
        other_tenant_ = tenant_ + "-b";
        other_key_ = createApiKey(other_tenant_, "full");
        const int64_t now = std::time(nullptr);
        first_ = (now - kFirstAge) / 60 * 60 + 60;
        spike_ = (now + kSpikeLead) / 60 * 60;
    }

    // One point per minute from first_ to the spike and five minutes after it.
    std::string series(bool with_spike) const {
        nlohmann::json batch = nlohmann::json::array();
        for (int64_t t = first_; t <= spike_ + 5 * 60; t += 60) {
            const int64_t minute = (t - first_) / 60;
            const double value = wave(minute) + (with_spike && t == spike_ ? kSpike : 0.0);
            batch.push_back({{"service_id", "checkout"},
                             {"metric_name", "latency_ms"},
                             {"value", value},
                             {"timestamp", rfc3339(t)}});
        }
        return batch.dump();
    }

    httplib::Result get(const std::string& key, const std::string& path) const {
        httplib::Client c("127.0.0.1", server_->port());
        return c.Get(path, {{"X-API-Key", key}});
    }

    // Runs the real binary over the server's database as of `now`; fails the test on a bad exit.
    nlohmann::json watchdogOnce(int64_t now) const {
        const std::string cmd = "CLICKHOUSE_DATABASE=" + slug_ +
                                " INFRASAGE_DATA_DIR=" + (data_dir_ / "engine").string() +
                                " INFRASAGE_LOG_LEVEL=error " + ServerProcess::binary() +
                                " watchdog --once --now " + std::to_string(now) + " 2>&1";
        FILE* pipe = ::popen(cmd.c_str(), "r");
        std::string out;
        std::array<char, 4096> buf{};
        while (const size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) {
            out.append(buf.data(), n);
        }
        EXPECT_EQ(::pclose(pipe), 0) << out;
        auto summary = nlohmann::json::parse(out, nullptr, false);
        EXPECT_FALSE(summary.is_discarded()) << out;
        return summary;
    }

    std::string other_tenant_;
    std::string other_key_;
    int64_t first_ = 0;
    int64_t spike_ = 0;
};

TEST_F(WatchdogEndToEndTest, IngestedSpikeIsFoundThroughTheApiByItsTenantOnly) {
    const size_t points = static_cast<size_t>((spike_ + 5 * 60 - first_) / 60 + 1);
    auto a = postJson("/api/v1/telemetry/batch", series(true));
    ASSERT_TRUE(a);
    ASSERT_EQ(a->status, 200) << a->body;
    httplib::Client bc("127.0.0.1", server_->port());
    auto b = bc.Post("/api/v1/telemetry/batch", {{"X-API-Key", other_key_}}, series(false),
                     "application/json");
    ASSERT_TRUE(b);
    ASSERT_EQ(b->status, 200) << b->body;
    ASSERT_EQ(waitForRows("infrasage_metrics", points), points);

    // First cycle as of two hours in (its 24 h lookback reaches the first point), then one as of
    // just after the spike's bucket closed: it reads everything since the first cycle's end.
    const auto warmup = watchdogOnce(first_ + 2 * 3600);
    EXPECT_EQ(warmup.at("anomalies"), 0) << warmup.dump();
    const auto cycle = watchdogOnce(spike_ + 5 * 60);
    EXPECT_EQ(cycle.at("anomalies"), 1) << cycle.dump();

    auto list = get(api_key_, "/api/v1/anomalies?service_id=checkout");
    ASSERT_TRUE(list);
    ASSERT_EQ(list->status, 200) << list->body;
    const auto anomalies = json(list).at("anomalies");
    ASSERT_EQ(anomalies.size(), 1u) << list->body;
    const auto& found = anomalies[0];
    EXPECT_EQ(found.at("service_id"), "checkout");
    EXPECT_EQ(found.at("metric_name"), "latency_ms");
    EXPECT_EQ(found.at("detected_at"), rfc3339(spike_));
    EXPECT_NEAR(found.at("value").get<double>(), wave((spike_ - first_) / 60) + kSpike, 1e-9);
    EXPECT_GT(found.at("value").get<double>(), found.at("upper").get<double>());
    EXPECT_GE(found.at("anomaly_score").get<double>(), 0.5);
    EXPECT_EQ(found.at("status"), "open");
    EXPECT_EQ(found.at("tenant_id"), tenant_);
    const std::string id = found.at("anomaly_id");

    auto one = get(api_key_, "/api/v1/anomalies/" + id);
    ASSERT_TRUE(one);
    EXPECT_EQ(one->status, 200) << one->body;

    // Tenant B: the same series without the spike raised nothing, and A's anomaly is invisible.
    auto other_list = get(other_key_, "/api/v1/anomalies");
    ASSERT_TRUE(other_list);
    ASSERT_EQ(other_list->status, 200) << other_list->body;
    EXPECT_TRUE(json(other_list).at("anomalies").empty()) << other_list->body;
    auto other_one = get(other_key_, "/api/v1/anomalies/" + id);
    ASSERT_TRUE(other_one);
    EXPECT_EQ(other_one->status, 404) << other_one->body;
    EXPECT_EQ(other_one->body.find("latency_ms"), std::string::npos);
}

}  // namespace
}  // namespace infrasage::testing
