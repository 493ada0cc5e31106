// Ingestion over HTTP into the real ClickHouse, and the operational endpoints around it.
#include <cstdio>

#include "ServerTestBase.h"
#include "config/Settings.h"

namespace infrasage::testing {
namespace {

class ServerIngestTest : public ServerTestBase {
  protected:
    void SetUp() override {
        ServerTestBase::SetUp();
        server_->start();
    }
};

TEST_F(ServerIngestTest, SingleRecordLandsInClickHouseWithItsTenant) {
    auto r = postJson("/api/v1/telemetry",
                      R"({"service_id":"checkout","metric_name":"latency_ms","value":42.5,)"
                      R"("trace_id":"abc123","attributes":{"region":"eu","host":"h1"}})");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(json(r), (nlohmann::json{{"status", "ok"}, {"queued", 1}}));
    ASSERT_EQ(waitForRows("infrasage_metrics", 1), 1u);
    auto row =
        query(storage::SqlBuilder("SELECT tenant_id, service_id, metric_name, value, trace_id, "
                                  "attr_keys, attr_values FROM ")
                  .qualified(slug_, "infrasage_metrics")
                  .sql(" FORMAT JSONEachRow")
                  .str());
    auto j = nlohmann::json::parse(row);
    EXPECT_EQ(j["tenant_id"], tenant_);
    EXPECT_EQ(j["service_id"], "checkout");
    EXPECT_EQ(j["metric_name"], "latency_ms");
    EXPECT_DOUBLE_EQ(j["value"].get<double>(), 42.5);
    EXPECT_EQ(j["trace_id"], "abc123");
    std::map<std::string, std::string> attrs;
    for (std::size_t i = 0; i < j["attr_keys"].size(); ++i) {
        attrs[j["attr_keys"][i]] = j["attr_values"][i];
    }
    EXPECT_EQ(attrs, (std::map<std::string, std::string>{{"region", "eu"}, {"host", "h1"}}));
}

TEST_F(ServerIngestTest, EachTypeLandsInItsOwnTable) {
    auto r = postJson("/api/v1/telemetry/batch", R"([
        {"service_id":"a","type":"metric","metric_name":"cpu","value":0.5},
        {"service_id":"a","type":"log","body":"disk almost full"},
        {"service_id":"a","type":"trace","metric_name":"span_ms","value":12,"trace_id":"t1"},
        {"service_id":"a","type":"event","body":"deploy v2"},
        {"service_id":"a","type":"profile","metric_name":"cpu_ns","value":900,"body":"stack"},
        {"service_id":"a","type":"slo","metric_name":"availability","value":99.9}])");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(json(r)["queued"], 6);
    for (const char* table : {"infrasage_metrics", "infrasage_logs", "infrasage_traces",
                              "infrasage_events", "infrasage_profiles", "infrasage_slos"}) {
        EXPECT_EQ(waitForRows(table, 1), 1u) << table;
    }
    auto body = query(storage::SqlBuilder("SELECT body FROM ")
                          .qualified(slug_, "infrasage_logs")
                          .sql(" FORMAT TabSeparated")
                          .str());
    EXPECT_EQ(body, "disk almost full\n");
}

TEST_F(ServerIngestTest, BatchPartialSuccessReportsFailuresByIndexAndKeepsTheRest) {
    auto r = postJson("/api/v1/telemetry/batch", R"([
        {"service_id":"a","metric_name":"m","value":1},
        {"service_id":"a","metric_name":"m","value":2,"timestamp":"2001-01-01T00:00:00Z"},
        {"service_id":"a","metric_name":"m","value":3},
        {"metric_name":"m","value":4},
        {"service_id":"a","metric_name":"m","value":5}])");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    auto j = json(r);
    EXPECT_EQ(j["status"], "ok");
    EXPECT_EQ(j["queued"], 3);
    EXPECT_EQ(j["failed"], 2);
    ASSERT_EQ(j["failures"].size(), 2u);
    EXPECT_EQ(j["failures"][0]["index"], 1);
    EXPECT_EQ(j["failures"][0]["error"], "timestamp_too_old");
    EXPECT_EQ(j["failures"][1]["index"], 3);
    EXPECT_EQ(j["failures"][1]["error"], "missing_service_id");
    EXPECT_EQ(waitForRows("infrasage_metrics", 3), 3u);
    std::this_thread::sleep_for(std::chrono::milliseconds(600));  // a wrong extra row would show
    EXPECT_EQ(countRows("infrasage_metrics"), 3u);
    EXPECT_EQ(countRows("infrasage_metrics", "value IN (2, 4)"), 0u);
}

TEST_F(ServerIngestTest, BatchWithNoValidRecordIsA400WithFailures) {
    auto r = postJson("/api/v1/telemetry/batch", R"([{"metric_name":"m","value":1}])");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    auto j = json(r);
    EXPECT_EQ(j["status"], "error");
    EXPECT_EQ(j["error"], "invalid_records");
    EXPECT_EQ(j["failures"][0]["error"], "missing_service_id");
}

TEST_F(ServerIngestTest, TelemetryTypesListsTheSixTypesAndTheirRequiredFields) {
    auto r = client().Get("/api/v1/telemetry-types");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
    auto j = json(r);
    ASSERT_EQ(j["types"].size(), 6u);
    std::map<std::string, nlohmann::json> by_type;
    for (auto& t : j["types"]) by_type[t["type"]] = t["required"];
    EXPECT_EQ(by_type["log"], (nlohmann::json{"service_id", "body"}));
    EXPECT_EQ(by_type["profile"], (nlohmann::json{"service_id", "metric_name", "value", "body"}));
    EXPECT_EQ(j["default"], "metric");
}

TEST_F(ServerIngestTest, HealthReadinessMetricsAndStatus) {
    auto c = client();
    auto health = c.Get("/healthz");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);

    ASSERT_EQ(postJson("/api/v1/telemetry/batch", sequenceBatch(0, 10))->status, 200);
    ASSERT_EQ(waitForRows("infrasage_metrics", 10), 10u);

    auto ready = c.Get("/readyz");
    ASSERT_TRUE(ready);
    EXPECT_EQ(ready->status, 200) << ready->body;
    EXPECT_EQ(json(ready)["checks"]["clickhouse"], "ok");

    auto metrics = c.Get("/metrics");
    ASSERT_TRUE(metrics);
    EXPECT_EQ(metrics->status, 200);
    const auto& text = metrics->body;
    EXPECT_NE(text.find("infrasage_http_requests_total{"), std::string::npos);
    EXPECT_NE(text.find("route=\"/api/v1/telemetry/batch\""), std::string::npos);
    EXPECT_NE(text.find("infrasage_http_request_duration_seconds_bucket"), std::string::npos);
    EXPECT_NE(text.find("infrasage_clickhouse_rows_written_total{table=\"infrasage_metrics\"} 10"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("infrasage_wal_pending_bytes"), std::string::npos);
    EXPECT_NE(text.find("infrasage_clickhouse_flush_errors_total"), std::string::npos);
    EXPECT_NE(text.find("infrasage_clickhouse_round_trip_seconds_count"), std::string::npos);

    auto status = c.Get("/api/v1/status");
    ASSERT_TRUE(status);
    EXPECT_EQ(status->status, 200);
    auto s = json(status);
    EXPECT_EQ(s["status"], "ok");
    EXPECT_EQ(s["environment"], "development");
    EXPECT_EQ(s["clickhouse"]["reachable"], true);
    EXPECT_GE(s["delivery"]["rows_delivered"].get<int>(), 10);  // plus audit rows
    EXPECT_EQ(s["tenant_id"], tenant_);
}

TEST_F(ServerIngestTest, EveryResponseCarriesARequestIdAndSecurityHeaders) {
    auto c = client();
    auto generated = c.Get("/healthz");
    ASSERT_TRUE(generated);
    auto id = generated->get_header_value("X-Request-Id");
    EXPECT_EQ(id.size(), 32u);
    EXPECT_EQ(generated->get_header_value("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(generated->get_header_value("X-Frame-Options"), "DENY");

    auto echoed = c.Get("/healthz", {{"X-Request-Id", "trace-me-123"}});
    EXPECT_EQ(echoed->get_header_value("X-Request-Id"), "trace-me-123");
    auto hostile = c.Get("/healthz", {{"X-Request-Id", "bad id\"with{json}"}});
    EXPECT_EQ(hostile->get_header_value("X-Request-Id").size(), 32u);

    auto missing = c.Get("/no/such/route");
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->status, 404);
    EXPECT_EQ(json(missing)["error"], "not_found");
    EXPECT_EQ(missing->get_header_value("X-Request-Id").size(), 32u);
}

TEST_F(ServerIngestTest, AccessLogIsStructuredJsonWithRequestId) {
    auto r = client().Get("/healthz", {{"X-Request-Id", "log-check-1"}});
    ASSERT_TRUE(r);
    server_->stop();
    bool found = false;
    std::istringstream lines(server_->logs());
    for (std::string line; std::getline(lines, line);) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        ASSERT_FALSE(j.is_discarded()) << "not JSON: " << line;
        if (j.value("msg", "") == "access" && j.value("request_id", "") == "log-check-1") {
            found = true;
            EXPECT_EQ(j["status"], 200);
            EXPECT_EQ(j["route"], "/healthz");
            EXPECT_TRUE(j.contains("duration_ms"));
        }
    }
    EXPECT_TRUE(found);
}

TEST_F(ServerIngestTest, KeepAliveConnectionServesManyRequests) {
    auto c = client();
    for (int i = 0; i < 200; ++i) {
        auto r = c.Post("/api/v1/telemetry/batch", sequenceBatch(static_cast<uint64_t>(i) * 5, 5),
                        "application/json");
        ASSERT_TRUE(r) << i;
        ASSERT_EQ(r->status, 200);
    }
    EXPECT_EQ(waitForRows("infrasage_metrics", 1000), 1000u);
    EXPECT_EQ(countRows("infrasage_metrics"), 1000u);
}

std::pair<int, std::string> runBinary(const std::string& env, const std::string& args) {
    // A bounded run with a clean slate of secrets: the test environment's CLICKHOUSE_PASSWORD_FILE
    // would otherwise take precedence over the weak password under test.
    std::string cmd = "env -u CLICKHOUSE_PASSWORD_FILE -u JWT_SECRET_FILE " + env + " timeout 20 " +
                      ServerProcess::binary() + " " + args + " 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    std::string out;
    char buf[4096];
    while (auto n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    int status = ::pclose(p);
    return {WEXITSTATUS(status), out};
}

TEST(ServeCommandTest, HelpListsEverySettingWithItsDefault) {
    auto [code, out] = runBinary("", "serve --help");
    EXPECT_EQ(code, 0);
    for (const auto& s : config::allSettings()) {
        EXPECT_NE(out.find(std::string(s.name)), std::string::npos) << s.name;
    }
}

TEST(ServeCommandTest, ProductionRefusesWeakSecretsAndNamesTheVariable) {
    auto [code, out] = runBinary(
        "INFRASAGE_ENV=production JWT_SECRET=short CLICKHOUSE_USER=infrasage "
        "INFRASAGE_API_KEY_PEPPER=0123456789abcdef0123456789abcdef "
        "CLICKHOUSE_PASSWORD=a-long-random-password",
        "serve");
    EXPECT_EQ(code, 2);
    EXPECT_NE(out.find("JWT_SECRET"), std::string::npos) << out;

    auto [code2, out2] = runBinary(
        "INFRASAGE_ENV=production JWT_SECRET=0123456789abcdef0123456789abcdef "
        "INFRASAGE_API_KEY_PEPPER=0123456789abcdef0123456789abcdef "
        "CLICKHOUSE_USER=infrasage CLICKHOUSE_PASSWORD=clickhouse",
        "serve");
    EXPECT_EQ(code2, 2);
    EXPECT_NE(out2.find("CLICKHOUSE_PASSWORD"), std::string::npos) << out2;
}

class ProductionServerTest : public ServerTestBase {};

TEST_F(ProductionServerTest, RequestsWithoutCredentialsAre401) {
    auto password_file = envOr("CLICKHOUSE_PASSWORD_FILE", "");
    server_ = makeServer({{"INFRASAGE_ENV", "production"},
                          {"JWT_SECRET", std::string(48, 'j')},
                          {"INFRASAGE_API_KEY_PEPPER", std::string(48, 'p')},
                          {"CLICKHOUSE_USER", "infrasage"},
                          {"CLICKHOUSE_PASSWORD_FILE", password_file}});
    server_->start();
    httplib::Client anonymous("127.0.0.1", server_->port());
    auto r =
        anonymous.Post("/api/v1/telemetry", R"({"service_id":"a","metric_name":"m","value":1})",
                       "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);
    EXPECT_EQ(json(r)["error"], "unauthorized");
    EXPECT_EQ(anonymous.Get("/api/v1/status")->status, 401);
    EXPECT_EQ(anonymous.Get("/healthz")->status, 200);
}

}  // namespace
}  // namespace infrasage::testing
