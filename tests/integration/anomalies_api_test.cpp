// The anomalies API end to end: anomaly rows written straight into the server's ClickHouse
// database (as the Watchdog writes them, version 1) for two tenants, then listed, filtered,
// paged, read, acknowledged and resolved over HTTP with real credentials; the services list and
// the metric series (ingested over HTTP) with the detector's band.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <functional>
#include <map>
#include <set>
#include <vector>

#include "ServerTestBase.h"
#include "storage/AnomalyTable.h"

namespace infrasage::testing {
namespace {

constexpr int64_t kBase = 1712750400;  // 2024-04-10T12:00:00Z
constexpr std::size_t kAnomaliesOfA = 25;
const std::string kPassword = "anomalies api password 1";

std::string rfc3339(int64_t unix_seconds) {
    const auto t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

struct Anomaly {
    std::string tenant;
    std::string id;
    std::string service;
    std::string metric;
    int64_t detected_at;
    double score;
    std::string severity;
};

class AnomaliesApiTest : public ServerTestBase {
  protected:
    void SetUp() override {
        ServerTestBase::SetUp();
        server_->start();
        other_tenant_ = tenant_ + "-b";
        other_key_ = createApiKey(other_tenant_, "full");
        for (const auto table : {storage::kAnomaliesTable, std::string_view("infrasage_metrics")}) {
            ASSERT_TRUE(waitForTable(table)) << table << " never created";
        }
        // Tenant A: 25 anomalies over two services and two metrics, every severity; the first
        // four share one second (ties are broken by anomaly_id, also across page boundaries).
        const std::vector<std::string> severities = {"low", "medium", "high", "critical"};
        for (std::size_t i = 0; i < kAnomaliesOfA; ++i) {
            a_.push_back(
                {tenant_, fmt::format("anom-{:016x}", 0xa000 + i),
                 i % 3 == 0 ? "payments" : "checkout", i % 2 == 0 ? "latency_ms" : "error_rate",
                 kBase + (i < 4 ? 0 : static_cast<int64_t>(i) * 60),
                 static_cast<double>(i) / static_cast<double>(kAnomaliesOfA), severities[i % 4]});
        }
        for (std::size_t i = 0; i < 3; ++i) {
            b_.push_back({other_tenant_, fmt::format("anom-{:016x}", 0xb000 + i), "bravo-svc",
                          "bravo_metric", kBase + static_cast<int64_t>(i) * 60 + 30, 0.9,
                          "critical"});
        }
        insertAnomalies(a_);
        insertAnomalies(b_);
    }

    static bool waitFor(const std::function<bool()>& condition) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (!condition()) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return true;
    }

    // The INSERT the Watchdog makes (version 1, status open), written as SQL here so the test
    // does not share the server's row encoder.
    void insertAnomalies(const std::vector<Anomaly>& rows) {
        storage::SqlBuilder sql("INSERT INTO ");
        sql.qualified(slug_, storage::kAnomaliesTable)
            .sql(" (")
            .sql(storage::kAnomalyColumnList)
            .sql(") VALUES ");
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const auto& r = rows[i];
            if (i > 0) sql.sql(", ");
            sql.sql("(")
                .string(r.tenant)
                .sql(", ")
                .string(r.id)
                .sql(", ")
                .string(r.service)
                .sql(", ")
                .string(r.metric)
                .sql(", toDateTime(")
                .integer(r.detected_at)
                .sql("), ")
                .real(100.0 + static_cast<double>(i))
                .sql(", 50, 40, 60, 4.5, ")
                .real(r.score)
                .sql(", ")
                .string(r.severity)
                .sql(", 'robust_z', 0, 'open', toDateTime(0), '', 1)");
        }
        query(sql.str());
    }

    // Ids in the list's order: detected_at DESC, anomaly_id DESC.
    static std::vector<std::string> newestFirst(std::vector<Anomaly> rows) {
        std::sort(rows.begin(), rows.end(), [](const Anomaly& x, const Anomaly& y) {
            return std::tie(x.detected_at, x.id) > std::tie(y.detected_at, y.id);
        });
        std::vector<std::string> ids;
        for (const auto& r : rows) ids.push_back(r.id);
        return ids;
    }

    static std::vector<std::string> idsOf(const nlohmann::json& list) {
        std::vector<std::string> ids;
        for (const auto& a : list["anomalies"]) ids.push_back(a["anomaly_id"]);
        return ids;
    }

    static std::vector<std::string> idsWhere(const std::vector<Anomaly>& rows,
                                             const std::function<bool(const Anomaly&)>& keep) {
        std::vector<Anomaly> kept;
        std::copy_if(rows.begin(), rows.end(), std::back_inserter(kept), keep);
        return newestFirst(kept);
    }

    // With `headers`, those are the only credentials sent; else this test's full key.
    httplib::Result get(const std::string& path, const httplib::Headers& headers = {}) const {
        if (headers.empty()) return client().Get(path);
        return plainClient().Get(path, headers);
    }

    httplib::Result post(const std::string& path, const httplib::Headers& headers = {},
                         const std::string& body = "") const {
        if (headers.empty()) return client().Post(path, body, "application/json");
        return plainClient().Post(path, headers, body, "application/json");
    }

    httplib::Client plainClient() const {
        httplib::Client c("127.0.0.1", server_->port());
        c.set_read_timeout(30, 0);
        return c;
    }

    nlohmann::json listOk(const std::string& query_string) const {
        auto r = get("/api/v1/anomalies" + query_string);
        EXPECT_TRUE(r);
        if (!r) return {};
        EXPECT_EQ(r->status, 200) << query_string << ": " << r->body;
        return json(r);
    }

    static void expectError(const httplib::Result& r, int status, const std::string& code,
                            const std::string& what) {
        ASSERT_TRUE(r) << what;
        EXPECT_EQ(r->status, status) << what << ": " << r->body;
        EXPECT_EQ(json(r).value("error", ""), code) << what << ": " << r->body;
    }

    // A user of this tenant; returns the Authorization header of its access token and its id.
    std::pair<httplib::Headers, std::string> user(const std::string& role) const {
        const std::string email = role + "@anomalies.example.com";
        auto out = runAdmin("user create --tenant " + tenant_ + " --email " + email + " --role " +
                                role + " --password-file -",
                            kPassword);
        const std::string id = out.substr(out.rfind('(') + 1, out.rfind(')') - out.rfind('(') - 1);
        httplib::Client c("127.0.0.1", server_->port());
        auto login = c.Post("/api/v1/auth/login",
                            nlohmann::json{{"email", email}, {"password", kPassword}}.dump(),
                            "application/json");
        EXPECT_TRUE(login && login->status == 200) << (login ? login->body : "no answer");
        return {{{"Authorization", "Bearer " + json(login).value("access_token", "")}}, id};
    }

    static httplib::Headers key(const std::string& secret) { return {{"X-API-Key", secret}}; }

    std::string keyIdOf(const std::string& secret) const {
        return json(get("/api/v1/auth/me", key(secret))).value("actor", "");
    }

    std::string other_tenant_;
    std::string other_key_;
    std::vector<Anomaly> a_;
    std::vector<Anomaly> b_;
};

TEST_F(AnomaliesApiTest, ListsTheTenantsAnomaliesNewestFirstWithEveryField) {
    const auto list = listOk("?limit=1000");
    EXPECT_EQ(idsOf(list), newestFirst(a_));
    EXPECT_TRUE(list["next_page_token"].is_null());

    const auto& first = list["anomalies"][0];  // a_[24]: the newest
    EXPECT_EQ(first["anomaly_id"], a_[24].id);
    EXPECT_EQ(first["tenant_id"], tenant_);
    EXPECT_EQ(first["service_id"], "payments");
    EXPECT_EQ(first["metric_name"], "latency_ms");
    EXPECT_EQ(first["detected_at"], rfc3339(kBase + 24 * 60));
    EXPECT_DOUBLE_EQ(first["value"].get<double>(), 124.0);
    EXPECT_DOUBLE_EQ(first["expected"].get<double>(), 50.0);
    EXPECT_DOUBLE_EQ(first["lower"].get<double>(), 40.0);
    EXPECT_DOUBLE_EQ(first["upper"].get<double>(), 60.0);
    EXPECT_DOUBLE_EQ(first["z_score"].get<double>(), 4.5);
    EXPECT_DOUBLE_EQ(first["anomaly_score"].get<double>(), 24.0 / 25.0);
    EXPECT_EQ(first["severity"], "low");
    EXPECT_EQ(first["detector"], "robust_z");
    EXPECT_EQ(first["rca_triggered"], false);
    EXPECT_EQ(first["status"], "open");
    EXPECT_TRUE(first["status_changed_at"].is_null());
    EXPECT_TRUE(first["status_changed_by"].is_null());

    EXPECT_EQ(idsOf(listOk("")).size(), 25u) << "default limit is 50";
}

TEST_F(AnomaliesApiTest, EachFilterSelectsExactlyItsAnomalies) {
    EXPECT_EQ(idsOf(listOk("?service_id=payments")),
              idsWhere(a_, [](const Anomaly& a) { return a.service == "payments"; }));
    EXPECT_EQ(idsOf(listOk("?metric_name=error_rate")),
              idsWhere(a_, [](const Anomaly& a) { return a.metric == "error_rate"; }));
    EXPECT_EQ(idsOf(listOk("?severity=critical")),
              idsWhere(a_, [](const Anomaly& a) { return a.severity == "critical"; }));
    EXPECT_EQ(idsOf(listOk("?min_score=0.6")),
              idsWhere(a_, [](const Anomaly& a) { return a.score >= 0.6; }));
    EXPECT_EQ(idsOf(listOk("?service_id=checkout&metric_name=latency_ms&severity=medium")),
              idsWhere(a_, [](const Anomaly& a) {
                  return a.service == "checkout" && a.metric == "latency_ms" &&
                         a.severity == "medium";
              }));
    EXPECT_EQ(idsOf(listOk("?status=open&limit=1000")), newestFirst(a_));
    EXPECT_TRUE(idsOf(listOk("?status=resolved")).empty());
    EXPECT_TRUE(idsOf(listOk("?service_id=bravo-svc")).empty()) << "tenant B's service";

    // since and until are inclusive; RFC 3339 and unix milliseconds mean the same instant.
    const int64_t since = kBase + 10 * 60;
    const int64_t until = kBase + 20 * 60;
    const auto in_window = idsWhere(
        a_, [&](const Anomaly& a) { return a.detected_at >= since && a.detected_at <= until; });
    ASSERT_EQ(in_window.size(), 11u);
    EXPECT_EQ(idsOf(listOk("?since=" + rfc3339(since) + "&until=" + rfc3339(until))), in_window);
    EXPECT_EQ(idsOf(listOk("?since=" + std::to_string(since * 1000) +
                           "&until=" + std::to_string(until * 1000))),
              in_window);
    // A millisecond after a detection excludes it from `since`, a millisecond before from
    // `until`.
    EXPECT_EQ(idsOf(listOk("?since=" + std::to_string(since * 1000 + 1) +
                           "&until=" + std::to_string(until * 1000 - 1)))
                  .size(),
              9u);
}

TEST_F(AnomaliesApiTest, PagesVisitEveryAnomalyOnceAndStayStableUnderInserts) {
    std::vector<std::string> seen;
    std::string token;
    int pages = 0;
    bool changed = false;
    do {
        auto page = listOk("?limit=7" + (token.empty() ? "" : "&page_token=" + token));
        ASSERT_LE(page["anomalies"].size(), 7u);
        for (const auto& id : idsOf(page)) seen.push_back(id);
        token = page["next_page_token"].is_null() ? "" : page["next_page_token"].get<std::string>();
        if (!changed) {
            // Meanwhile: a newer anomaly arrives and one on a later page is acknowledged (a new
            // version of its row). Neither may shift the pages.
            insertAnomalies({{tenant_, "anom-00000000000fffff", "checkout", "latency_ms",
                              kBase + 100000, 0.99, "critical"}});
            auto ack = post("/api/v1/anomalies/" + a_[2].id + "/acknowledge");
            ASSERT_TRUE(ack);
            ASSERT_EQ(ack->status, 200) << ack->body;
            changed = true;
        }
        ASSERT_LT(++pages, 10) << "pagination did not end";
    } while (!token.empty());
    EXPECT_EQ(pages, 4);
    EXPECT_EQ(seen, newestFirst(a_)) << "every anomaly once, in order, none added";
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size());
}

TEST_F(AnomaliesApiTest, GetReadsOneAnomalyAndUnknownOrForeignIdsAreTheSame404) {
    auto r = get("/api/v1/anomalies/" + a_[5].id);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(json(r)["anomaly_id"], a_[5].id);
    EXPECT_EQ(json(r)["service_id"], "checkout");
    EXPECT_EQ(json(r)["metric_name"], "error_rate");
    EXPECT_EQ(json(r)["severity"], "medium");

    auto unknown = get("/api/v1/anomalies/anom-0000000000000000");
    auto foreign = get("/api/v1/anomalies/" + b_[0].id);
    expectError(unknown, 404, "anomaly_not_found", "unknown id");
    expectError(foreign, 404, "anomaly_not_found", "tenant B's id");
    ASSERT_TRUE(unknown && foreign);
    EXPECT_EQ(json(unknown)["message"], json(foreign)["message"]) << "no existence oracle";
    EXPECT_EQ(foreign->body.find("bravo"), std::string::npos);
    expectError(get("/api/v1/anomalies/x'%20OR%20'1'='1"), 404, "anomaly_not_found", "hostile id");
    // B's own key sees its anomaly: the 404 above is the scope, not a missing row.
    auto own = get("/api/v1/anomalies/" + b_[0].id, key(other_key_));
    ASSERT_TRUE(own);
    EXPECT_EQ(own->status, 200) << own->body;
}

TEST_F(AnomaliesApiTest, AcknowledgeThenResolveFollowsTheLifecycleAndRecordsWho) {
    const std::string key_id = keyIdOf(api_key_);
    ASSERT_TRUE(key_id.starts_with("isage_key_")) << key_id;
    const std::string& id = a_[7].id;
    const auto started = std::time(nullptr);

    auto ack = post("/api/v1/anomalies/" + id + "/acknowledge");
    ASSERT_TRUE(ack);
    ASSERT_EQ(ack->status, 200) << ack->body;
    EXPECT_EQ(json(ack)["status"], "acknowledged");
    EXPECT_EQ(json(ack)["status_changed_by"], key_id);
    EXPECT_GE(json(ack)["status_changed_at"].get<std::string>(), rfc3339(started));
    EXPECT_EQ(json(ack)["anomaly_score"], json(get("/api/v1/anomalies/" + id))["anomaly_score"]);

    EXPECT_EQ(json(get("/api/v1/anomalies/" + id))["status"], "acknowledged");
    EXPECT_EQ(idsOf(listOk("?status=acknowledged")), std::vector<std::string>{id});
    auto open = idsOf(listOk("?status=open&limit=1000"));
    EXPECT_EQ(std::count(open.begin(), open.end(), id), 0) << "the old version is not listed";
    EXPECT_EQ(open.size(), 24u);

    expectError(post("/api/v1/anomalies/" + id + "/acknowledge"), 409,
                "anomaly_already_acknowledged", "acknowledge twice");

    auto resolve = post("/api/v1/anomalies/" + id + "/resolve");
    ASSERT_TRUE(resolve);
    ASSERT_EQ(resolve->status, 200) << resolve->body;
    EXPECT_EQ(json(resolve)["status"], "resolved");
    EXPECT_EQ(json(get("/api/v1/anomalies/" + id))["status"], "resolved");
    expectError(post("/api/v1/anomalies/" + id + "/resolve"), 409, "anomaly_already_resolved",
                "resolve twice");
    expectError(post("/api/v1/anomalies/" + id + "/acknowledge"), 409, "anomaly_already_resolved",
                "acknowledge a resolved anomaly");

    // open -> resolved directly.
    auto direct = post("/api/v1/anomalies/" + a_[8].id + "/resolve");
    ASSERT_TRUE(direct);
    EXPECT_EQ(direct->status, 200) << direct->body;
    EXPECT_EQ(idsOf(listOk("?status=resolved")), (std::vector<std::string>{a_[8].id, id}));

    expectError(post("/api/v1/anomalies/" + a_[9].id + "/acknowledge", {}, R"({"note":"x"})"), 400,
                "unknown_field", "a body with fields");
    expectError(post("/api/v1/anomalies/anom-0000000000000000/resolve"), 404, "anomaly_not_found",
                "resolve an unknown id");

    // Every change is in the audit log, with the anomaly as its resource.
    const auto audited = storage::SqlBuilder("SELECT count() FROM ")
                             .qualified(slug_, "infrasage_audit_log")
                             .sql(" WHERE tenant_id = ")
                             .string(tenant_)
                             .sql(" AND resource = ")
                             .string(id)
                             .sql(" AND action IN ('anomaly.acknowledge', 'anomaly.resolve')")
                             .str();
    EXPECT_TRUE(waitFor([&] { return query(audited) == "5\n"; })) << query(audited);
}

TEST_F(AnomaliesApiTest, OnlyOperatorsAndFullKeysChangeStatus) {
    const auto viewer = user("viewer").first;
    const auto [op, operator_id] = user("operator");
    const auto readonly = key(createApiKey(tenant_, "readonly"));
    const auto ingestion = key(createApiKey(tenant_, "ingestion"));
    const std::string& id = a_[3].id;

    for (const auto& [name, headers] : std::vector<std::pair<std::string, httplib::Headers>>{
             {"viewer", viewer}, {"readonly key", readonly}, {"ingestion key", ingestion}}) {
        for (const char* action : {"/acknowledge", "/resolve"}) {
            auto r = post("/api/v1/anomalies/" + id + action, headers);
            ASSERT_TRUE(r);
            EXPECT_EQ(r->status, 403) << name << action << ": " << r->body;
        }
    }
    EXPECT_EQ(json(get("/api/v1/anomalies/" + id))["status"], "open") << "nothing changed";

    // Viewers and readonly keys read; ingestion keys do not.
    EXPECT_EQ(get("/api/v1/anomalies", viewer)->status, 200);
    EXPECT_EQ(get("/api/v1/anomalies/" + id, readonly)->status, 200);
    EXPECT_EQ(get("/api/v1/services", readonly)->status, 200);
    EXPECT_EQ(get("/api/v1/anomalies", ingestion)->status, 403);

    auto ack = post("/api/v1/anomalies/" + id + "/acknowledge", op);
    ASSERT_TRUE(ack);
    ASSERT_EQ(ack->status, 200) << ack->body;
    EXPECT_EQ(json(ack)["status_changed_by"], operator_id);
    EXPECT_TRUE(operator_id.starts_with("usr_")) << operator_id;
}

TEST_F(AnomaliesApiTest, AnotherTenantsAnomaliesCannotBeReadOrChanged) {
    for (const auto& b : b_) {
        expectError(get("/api/v1/anomalies/" + b.id), 404, "anomaly_not_found", "get " + b.id);
        expectError(post("/api/v1/anomalies/" + b.id + "/acknowledge"), 404, "anomaly_not_found",
                    "acknowledge " + b.id);
        expectError(post("/api/v1/anomalies/" + b.id + "/resolve"), 404, "anomaly_not_found",
                    "resolve " + b.id);
    }
    for (const std::string q : {"?limit=1000", "?limit=1000&tenant_id=", "?all_tenants=true"}) {
        auto r = get("/api/v1/anomalies" + q + (q.ends_with("=") ? other_tenant_ : ""));
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 200);
        EXPECT_EQ(r->body.find("bravo"), std::string::npos) << q;
        EXPECT_EQ(r->body.find(other_tenant_ + "\""), std::string::npos) << q;
    }
    // B's rows still have only the Watchdog's version.
    const auto versions = storage::SqlBuilder("SELECT count(), max(version) FROM ")
                              .qualified(slug_, storage::kAnomaliesTable)
                              .sql(" WHERE tenant_id = ")
                              .string(other_tenant_)
                              .sql(" FORMAT TabSeparated")
                              .str();
    EXPECT_EQ(query(versions), "3\t1\n");
    // ... and B itself sees its three, none of A's.
    auto own = get("/api/v1/anomalies", key(other_key_));
    ASSERT_TRUE(own);
    EXPECT_EQ(idsOf(json(own)), newestFirst(b_));
}

TEST_F(AnomaliesApiTest, ServicesListTheirAnomalyState) {
    auto r = postJson("/api/v1/telemetry/batch", R"([
        {"service_id":"checkout","metric_name":"latency_ms","value":1},
        {"service_id":"payments","metric_name":"latency_ms","value":2},
        {"service_id":"quiet","metric_name":"cpu","value":3}])");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    ASSERT_EQ(waitForRows("infrasage_metrics", 3), 3u);
    // B's service sends metrics too; it must not appear.
    httplib::Client b("127.0.0.1", server_->port());
    auto rb =
        b.Post("/api/v1/telemetry", key(other_key_),
               R"({"service_id":"bravo-svc","metric_name":"m","value":1})", "application/json");
    ASSERT_TRUE(rb && rb->status == 200);
    ASSERT_TRUE(waitFor([&] {
        return query(storage::SqlBuilder("SELECT count() FROM ")
                         .qualified(slug_, "infrasage_metrics")
                         .sql(" WHERE service_id = 'bravo-svc'")
                         .str()) == "1\n";
    }));
    // Acknowledge every critical anomaly of checkout: its worst open severity drops to high.
    for (const auto& a : a_) {
        if (a.service == "checkout" && a.severity == "critical") {
            ASSERT_EQ(post("/api/v1/anomalies/" + a.id + "/acknowledge")->status, 200);
        }
    }

    auto services = get("/api/v1/services");
    ASSERT_TRUE(services);
    ASSERT_EQ(services->status, 200) << services->body;
    const auto list = json(services)["services"];
    ASSERT_EQ(list.size(), 3u) << services->body;
    EXPECT_EQ(list[0]["service_id"], "checkout");
    EXPECT_EQ(list[1]["service_id"], "payments");
    EXPECT_EQ(list[2]["service_id"], "quiet");

    auto count = [this](const std::string& service, bool open_only) {
        return static_cast<uint64_t>(std::count_if(a_.begin(), a_.end(), [&](const Anomaly& a) {
            return a.service == service &&
                   !(open_only && service == "checkout" && a.severity == "critical");
        }));
    };
    EXPECT_EQ(list[0]["open_anomalies"], count("checkout", true));
    EXPECT_EQ(list[0]["worst_open_severity"], "high");
    EXPECT_EQ(list[0]["latest_anomaly"]["anomaly_id"], a_[23].id);
    EXPECT_EQ(list[0]["latest_anomaly"]["metric_name"], "error_rate");
    EXPECT_EQ(list[0]["latest_anomaly"]["severity"], "critical");
    EXPECT_EQ(list[0]["latest_anomaly"]["status"], "acknowledged");
    EXPECT_EQ(list[0]["latest_anomaly"]["detected_at"], rfc3339(kBase + 23 * 60));
    EXPECT_EQ(list[1]["open_anomalies"], count("payments", false));
    EXPECT_EQ(list[1]["worst_open_severity"], "critical");
    EXPECT_EQ(list[1]["latest_anomaly"]["anomaly_id"], a_[24].id);
    EXPECT_EQ(list[1]["latest_anomaly"]["status"], "open");
    EXPECT_EQ(list[2]["open_anomalies"], 0);
    EXPECT_TRUE(list[2]["worst_open_severity"].is_null());
    EXPECT_TRUE(list[2]["latest_anomaly"].is_null());
    EXPECT_EQ(services->body.find("bravo"), std::string::npos);

    // `since` after the metrics arrived: no service.
    auto later =
        get("/api/v1/services?since=" + std::to_string((std::time(nullptr) + 3600) * 1000));
    ASSERT_TRUE(later);
    EXPECT_EQ(later->status, 200);
    EXPECT_TRUE(json(later)["services"].empty()) << later->body;
}

TEST_F(AnomaliesApiTest, SeriesAveragesPerStepAndCarriesTheDetectorsBand) {
    // Two points per minute for 90 minutes, ending well in the past: value 10 + (minute % 7),
    // and 2 more, so each minute's average is 11 + (minute % 7).
    const int64_t start = (std::time(nullptr) - 3 * 3600) / 60 * 60;
    constexpr int kMinutes = 90;
    auto batch = nlohmann::json::array();
    for (int m = 0; m < kMinutes; ++m) {
        const double v = 10.0 + static_cast<double>(m % 7);
        for (auto [offset, value] : {std::pair<int64_t, double>{5, v}, {35, v + 2.0}}) {
            batch.push_back({{"service_id", "checkout"},
                             {"metric_name", "latency_ms"},
                             {"value", value},
                             {"timestamp", rfc3339(start + m * 60 + offset)}});
        }
    }
    // Another metric of the same service and B's same-named series must not mix in.
    batch.push_back({{"service_id", "checkout"},
                     {"metric_name", "other"},
                     {"value", 1e6},
                     {"timestamp", rfc3339(start + 65)}});
    auto r = postJson("/api/v1/telemetry/batch", batch.dump());
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    httplib::Client b("127.0.0.1", server_->port());
    auto rb = b.Post("/api/v1/telemetry", key(other_key_),
                     nlohmann::json{{"service_id", "checkout"},
                                    {"metric_name", "latency_ms"},
                                    {"value", 1e6},
                                    {"timestamp", rfc3339(start + 65)}}
                         .dump(),
                     "application/json");
    ASSERT_TRUE(rb && rb->status == 200);
    ASSERT_EQ(waitForRows("infrasage_metrics", 2 * kMinutes + 1), 2u * kMinutes + 1);
    ASSERT_TRUE(waitFor([&] {
        return query(storage::SqlBuilder("SELECT count() FROM ")
                         .qualified(slug_, "infrasage_metrics")
                         .sql(" WHERE tenant_id = ")
                         .string(other_tenant_)
                         .str()) == "1\n";
    }));

    auto series =
        get("/api/v1/metrics/series?service_id=checkout&metric_name=latency_ms&since=" +
            std::to_string(start * 1000) + "&until=" + rfc3339(start + kMinutes * 60) + "&step=60");
    ASSERT_TRUE(series);
    ASSERT_EQ(series->status, 200) << series->body;
    const auto j = json(series);
    EXPECT_EQ(j["step"], 60);
    const auto& points = j["points"];
    ASSERT_EQ(points.size(), static_cast<std::size_t>(kMinutes));
    for (int m = 0; m < kMinutes; ++m) {
        const auto& p = points[static_cast<std::size_t>(m)];
        SCOPED_TRACE(p.dump());
        EXPECT_EQ(p["timestamp"], start + m * 60);
        EXPECT_DOUBLE_EQ(p["value"].get<double>(), 11.0 + static_cast<double>(m % 7));
        ASSERT_TRUE(p["expected"].is_number() && p["lower"].is_number() && p["upper"].is_number() &&
                    p["anomaly_score"].is_number());
        EXPECT_LE(p["lower"].get<double>(), p["expected"].get<double>());
        EXPECT_LE(p["expected"].get<double>(), p["upper"].get<double>());
        EXPECT_GE(p["anomaly_score"].get<double>(), 0.0);
        EXPECT_LE(p["anomaly_score"].get<double>(), 1.0);
    }
    // Once the detector has seen the varying series, its band has a width. (How wide, and how it
    // scores this pattern, is the detector's business: detect/ tests that.)
    const auto& last = points[static_cast<std::size_t>(kMinutes - 1)];
    EXPECT_LT(last["lower"].get<double>(), last["upper"].get<double>());

    // A 5-minute step averages the ten points of each bucket.
    auto coarse = get("/api/v1/metrics/series?service_id=checkout&metric_name=latency_ms&since=" +
                      std::to_string(start * 1000) +
                      "&until=" + std::to_string((start + 30 * 60) * 1000) + "&step=300");
    ASSERT_TRUE(coarse);
    ASSERT_EQ(coarse->status, 200) << coarse->body;
    const auto buckets = json(coarse)["points"];
    ASSERT_GE(buckets.size(), 6u) << coarse->body;
    ASSERT_LE(buckets.size(), 7u);  // `since` is aligned down to a multiple of the step
    for (const auto& bucket : buckets) {
        const int64_t t = bucket["timestamp"];
        double sum = 0;
        int n = 0;
        for (int m = 0; m < 30; ++m) {
            const int64_t minute = start + m * 60;
            if (minute >= t && minute < t + 300) {
                sum += 2 * (11.0 + m % 7);
                n += 2;
            }
        }
        ASSERT_GT(n, 0) << bucket.dump();
        EXPECT_NEAR(bucket["value"].get<double>(), sum / n, 1e-9) << bucket.dump();
    }

    // B's key sees only B's point under the same names.
    auto other = get("/api/v1/metrics/series?service_id=checkout&metric_name=latency_ms&since=" +
                         std::to_string(start * 1000) + "&until=" + rfc3339(start + 3600),
                     key(other_key_));
    ASSERT_TRUE(other);
    ASSERT_EQ(other->status, 200) << other->body;
    ASSERT_EQ(json(other)["points"].size(), 1u);
    EXPECT_DOUBLE_EQ(json(other)["points"][0]["value"].get<double>(), 1e6);
}

TEST_F(AnomaliesApiTest, BadParametersAre400WithStableCodes) {
    const std::vector<std::tuple<std::string, std::string>> anomalies = {
        {"?severity=fatal", "invalid_severity"},
        {"?status=closed", "invalid_status"},
        {"?limit=0", "invalid_limit"},
        {"?limit=1001", "invalid_limit"},
        {"?limit=ten", "invalid_limit"},
        {"?min_score=high", "invalid_min_score"},
        {"?min_score=1.5", "invalid_min_score"},
        {"?since=yesterday", "invalid_time"},
        {"?until=-5", "invalid_time"},
        {"?page_token=zz", "invalid_page_token"},
        {"?page_token=" + std::string(40, 'a'), "invalid_page_token"},
    };
    for (const auto& [q, code] : anomalies) {
        expectError(get("/api/v1/anomalies" + q), 400, code, q);
    }
    expectError(get("/api/v1/services?since=soon"), 400, "invalid_time", "services since");

    const std::string base = "/api/v1/metrics/series";
    const std::string ok = "service_id=s&metric_name=m";
    const std::vector<std::tuple<std::string, std::string>> series = {
        {"?metric_name=m", "missing_service_id"},
        {"?service_id=&metric_name=m", "missing_service_id"},
        {"?service_id=s", "missing_metric_name"},
        {"?" + ok + "&step=5", "invalid_step"},
        {"?" + ok + "&step=86401", "invalid_step"},
        {"?" + ok + "&step=1m", "invalid_step"},
        {"?" + ok + "&since=2024-04-10T12:00:00Z&until=2024-04-10T12:00:00Z", "invalid_time_range"},
        {"?" + ok + "&since=2024-04-10T13:00:00Z&until=2024-04-10T12:00:00Z", "invalid_time_range"},
        {"?" + ok + "&since=2024-01-01T00:00:00Z&until=2024-04-10T12:00:00Z&step=60",
         "too_many_points"},
        {"?" + ok + "&since=noon", "invalid_time"},
    };
    for (const auto& [q, code] : series) {
        expectError(get(base + q), 400, code, q);
    }
    // Extreme but well-formed times are answered, not failed.
    for (const std::string& q :
         {"?" + ok + "&until=9223372036854775807", "?" + ok + "&since=9223372036854775806",
          "?" + ok + "&since=0&until=1000&step=86400"}) {
        auto r = get(base + q);
        ASSERT_TRUE(r);
        EXPECT_TRUE(r->status == 200 || r->status == 400) << q << ": " << r->body;
    }
    auto far = get("/api/v1/services?since=9223372036854775807");
    ASSERT_TRUE(far);
    EXPECT_EQ(far->status, 200) << far->body;
    EXPECT_EQ(get("/api/v1/anomalies?since=9223372036854775807&until=0")->status, 200);
    // Exactly 10,000 steps is allowed.
    auto max = get(base + "?" + ok + "&since=0&until=" + std::to_string(600000 * 1000LL));
    ASSERT_TRUE(max);
    EXPECT_EQ(max->status, 200) << max->body;
}

}  // namespace
}  // namespace infrasage::testing
