// Fault tests: ClickHouse stopped mid-stream, the server SIGKILLed mid-stream, the WAL disk cap,
// graceful shutdown, and health checks under ingestion load.
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "ServerTestBase.h"

namespace infrasage::testing {
namespace {

void clickhouse(const std::string& action) {
    auto cmd = "CLICKHOUSE_INSTANCE=test bash " + (sourceDir() / "scripts/clickhouse.sh").string() +
               " " + action + " >/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

// Restarts ClickHouse when a test leaves it stopped, so later tests are not affected.
struct ClickHouseRestorer {
    ~ClickHouseRestorer() {
        auto cmd = "CLICKHOUSE_INSTANCE=test bash " +
                   (sourceDir() / "scripts/clickhouse.sh").string() + " start >/dev/null";
        [[maybe_unused]] int rc = std::system(cmd.c_str());
    }
};

constexpr uint64_t kBatch = 100;

class ServerFaultTest : public ServerTestBase {
  protected:
    // Distinct sequence values among this tenant's rows.
    uint64_t distinctValues() {
        auto sql = storage::SqlBuilder("SELECT uniqExact(value) FROM ")
                       .qualified(slug_, "infrasage_metrics")
                       .sql(" WHERE tenant_id = ")
                       .string(tenant_)
                       .str();
        return std::stoull(query(sql));
    }

    template <typename Pred>
    static bool eventually(Pred pred, std::chrono::seconds timeout) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (pred()) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return pred();
    }
};

TEST_F(ServerFaultTest, ClickHouseStoppedMidStreamEveryAcknowledgedRecordArrivesExactlyOnce) {
    ClickHouseRestorer restorer;
    server_->start();
    std::atomic<uint64_t> acked_batches{0};
    std::atomic<bool> stop{false};
    std::atomic<int> non_200{0};
    std::thread sender([&] {
        auto c = client();
        for (uint64_t b = 0; !stop && b < 5000; ++b) {
            auto r = c.Post("/api/v1/telemetry/batch", sequenceBatch(b * kBatch, kBatch),
                            "application/json");
            if (r && r->status == 200) {
                acked_batches++;
            } else {
                non_200++;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    });
    ASSERT_TRUE(eventually([&] { return acked_batches >= 50; }, std::chrono::seconds(60)));
    clickhouse("stop");
    const auto acked_at_stop = acked_batches.load();
    EXPECT_TRUE(eventually([&] { return client().Get("/readyz")->status == 503; },
                           std::chrono::seconds(10)));
    // The outage is really felt: inserts fail and are counted, while ingestion is still
    // acknowledged.
    EXPECT_TRUE(eventually(
        [&] {
            auto text = client().Get("/metrics")->body;
            return text.find("infrasage_clickhouse_flush_errors_total 0\n") == std::string::npos;
        },
        std::chrono::seconds(30)));
    EXPECT_TRUE(
        eventually([&] { return acked_batches >= acked_at_stop + 50; }, std::chrono::seconds(60)));
    clickhouse("start");
    const auto acked_at_start = acked_batches.load();
    EXPECT_TRUE(
        eventually([&] { return acked_batches >= acked_at_start + 50; }, std::chrono::seconds(60)));
    stop = true;
    sender.join();
    EXPECT_EQ(non_200, 0);
    const uint64_t acked_rows = acked_batches * kBatch;
    EXPECT_EQ(waitForRows("infrasage_metrics", acked_rows, std::chrono::seconds(90)), acked_rows);
    std::this_thread::sleep_for(std::chrono::seconds(1));
    EXPECT_EQ(countRows("infrasage_metrics"), acked_rows) << "duplicates or extra rows";
    EXPECT_EQ(distinctValues(), acked_rows);
}

TEST_F(ServerFaultTest, SigkilledServerDeliversEveryAcknowledgedRecordAfterRestart) {
    server_->start();
    std::atomic<uint64_t> acked_batches{0};
    std::atomic<bool> stop{false};
    std::thread sender([&] {
        auto c = client();
        for (uint64_t b = 0; !stop; ++b) {
            auto r = c.Post("/api/v1/telemetry/batch", sequenceBatch(b * kBatch, kBatch),
                            "application/json");
            if (!r || r->status != 200) break;  // acknowledged batches form a prefix
            acked_batches++;
        }
    });
    ASSERT_TRUE(eventually([&] { return acked_batches >= 40; }, std::chrono::seconds(60)));
    server_->kill();
    stop = true;
    sender.join();
    const uint64_t acked_rows = acked_batches * kBatch;

    server_->start();  // same data directory: replays the WAL
    EXPECT_TRUE(eventually(
        [&] {
            auto sql = storage::SqlBuilder("SELECT uniqExact(value) FROM ")
                           .qualified(slug_, "infrasage_metrics")
                           .sql(" WHERE tenant_id = ")
                           .string(tenant_)
                           .sql(" AND value < ")
                           .unsignedInteger(acked_rows)
                           .str();
            try {
                return std::stoull(query(sql)) == acked_rows;
            } catch (const std::exception&) {
                return false;
            }
        },
        std::chrono::seconds(60)))
        << "acknowledged records lost; acked=" << acked_rows;
}

TEST_F(ServerFaultTest, DiskCapReachedAnswers503ThenRecovers) {
    ClickHouseRestorer restorer;
    server_ = makeServer({{"INFRASAGE_WAL_MAX_BYTES", std::to_string(256 << 10)},
                          {"INFRASAGE_WAL_SEGMENT_BYTES", std::to_string(64 << 10)}});
    server_->start();
    ASSERT_EQ(postJson("/api/v1/telemetry/batch", sequenceBatch(0, kBatch))->status, 200);
    ASSERT_EQ(waitForRows("infrasage_metrics", kBatch), kBatch);  // schema is in place
    clickhouse("stop");

    uint64_t acked_batches = 1;
    std::optional<httplib::Response> refused;
    for (uint64_t b = 1; b < 1000; ++b) {
        auto r = postJson("/api/v1/telemetry/batch", sequenceBatch(b * kBatch, kBatch));
        ASSERT_TRUE(r);
        if (r->status != 200) {
            refused = *r;
            break;
        }
        acked_batches++;
    }
    ASSERT_TRUE(refused) << "the cap was never reached";
    EXPECT_EQ(refused->status, 503);
    EXPECT_EQ(nlohmann::json::parse(refused->body)["error"], "ingestion_backlog_full");
    EXPECT_FALSE(refused->get_header_value("Retry-After").empty());
    auto ready = client().Get("/readyz");
    EXPECT_EQ(ready->status, 503);
    EXPECT_EQ(json(ready)["checks"]["wal"], "full");

    clickhouse("start");
    // Once the backlog drains, ingestion is accepted again.
    EXPECT_TRUE(eventually(
        [&] {
            auto r =
                postJson("/api/v1/telemetry/batch", sequenceBatch(acked_batches * kBatch, kBatch));
            if (r && r->status == 200) {
                acked_batches++;
                return true;
            }
            return false;
        },
        std::chrono::seconds(90)));
    const uint64_t acked_rows = acked_batches * kBatch;
    EXPECT_EQ(waitForRows("infrasage_metrics", acked_rows, std::chrono::seconds(60)), acked_rows);
    EXPECT_EQ(distinctValues(), acked_rows);
    // Readiness caches its ClickHouse ping for a second; it recovers right after.
    EXPECT_TRUE(eventually([&] { return client().Get("/readyz")->status == 200; },
                           std::chrono::seconds(10)));
}

TEST_F(ServerFaultTest, SigtermDeliversAcknowledgedRecordsBeforeExit) {
    server_ = makeServer(
        {{"INFRASAGE_FLUSH_INTERVAL_MS", "600000"}, {"INFRASAGE_FLUSH_ROWS", "100000000"}});
    server_->start();
    for (uint64_t b = 0; b < 5; ++b) {
        ASSERT_EQ(postJson("/api/v1/telemetry/batch", sequenceBatch(b * kBatch, kBatch))->status,
                  200);
    }
    EXPECT_EQ(server_->stop(), 0);
    EXPECT_EQ(countRows("infrasage_metrics"), 5 * kBatch);
}

TEST_F(ServerFaultTest, HealthChecksAreServedWhileIngestionIsSaturated) {
    server_ = makeServer({{"INFRASAGE_INGEST_MAX_INFLIGHT", "2"}});
    server_->start();
    std::atomic<bool> stop{false};
    std::atomic<int> accepted{0}, overloaded{0}, other{0};
    std::vector<std::thread> load;
    const auto body = sequenceBatch(0, 2000);
    for (int t = 0; t < 12; ++t) {
        load.emplace_back([&] {
            auto c = client();
            while (!stop) {
                auto r = c.Post("/api/v1/telemetry/batch", body, "application/json");
                if (r && r->status == 200) {
                    accepted++;
                } else if (r && r->status == 503 && !r->get_header_value("Retry-After").empty() &&
                           json(r)["error"] == "overloaded") {
                    overloaded++;
                } else {
                    other++;
                }
            }
        });
    }
    int healthy = 0;
    for (int i = 0; i < 40; ++i) {
        httplib::Client probe("127.0.0.1", server_->port());
        probe.set_read_timeout(2, 0);
        auto r = probe.Get("/healthz");
        if (r && r->status == 200) healthy++;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    stop = true;
    for (auto& t : load) t.join();
    EXPECT_EQ(healthy, 40);
    EXPECT_GT(accepted, 0);
    EXPECT_EQ(other, 0);
}

}  // namespace
}  // namespace infrasage::testing
