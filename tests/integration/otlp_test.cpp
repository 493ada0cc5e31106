// OTLP/HTTP end to end: the real OpenTelemetry JS SDK (Node 20, tests/integration/otel/) exports
// metrics (protobuf and JSON, gzip on and off) and traces across two services to a real server;
// the rows in ClickHouse carry the values and attributes it sent, GET /api/v1/services/graph shows
// the edge, logs keep their severity, and bad payloads are answered 4xx with nothing written.
#include <zlib.h>

#include <cstdio>
#include <map>
#include <sstream>

#include "ServerTestBase.h"
#include "infrasage_otlp_responses.pb.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "support/ServerProcess.h"

namespace infrasage::testing {
namespace {

namespace pbc = opentelemetry::proto::common::v1;
namespace collector = opentelemetry::proto::collector;

struct CommandResult {
    int status = -1;
    std::string output;
};

CommandResult run(const std::string& command) {
    CommandResult result;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) {
        return result;
    }
    char buffer[4096];
    while (auto n = std::fread(buffer, 1, sizeof buffer, pipe)) {
        result.output.append(buffer, n);
    }
    result.status = ::pclose(pipe);
    return result;
}

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The OTel client installed once per build directory with `npm ci` from the committed lock file;
// reinstalled when the lock file changes. Throws (failing the test) when npm cannot install.
std::filesystem::path otelClient() {
    static const std::filesystem::path dir = [] {
        const auto source = sourceDir() / "tests" / "integration" / "otel";
        const auto target =
            std::filesystem::path(ServerProcess::binary()).parent_path() / "otel-client";
        std::filesystem::create_directories(target);
        const bool current =
            readFile(target / "package-lock.json") == readFile(source / "package-lock.json") &&
            std::filesystem::exists(target / "node_modules");
        for (const char* file : {"package.json", "package-lock.json", "otlp_client.mjs"}) {
            std::filesystem::copy_file(source / file, target / file,
                                       std::filesystem::copy_options::overwrite_existing);
        }
        if (!current) {
            const auto install =
                run("cd '" + target.string() + "' && npm ci --no-audit --no-fund --loglevel=error");
            if (install.status != 0) {
                throw std::runtime_error(
                    "npm ci of the OpenTelemetry test client failed (the npm registry must be "
                    "reachable once per build directory):\n" +
                    install.output);
            }
        }
        return target;
    }();
    return dir;
}

std::vector<nlohmann::json> jsonLines(const std::string& text) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        auto parsed = nlohmann::json::parse(line, nullptr, false);
        if (!parsed.is_discarded()) {
            lines.push_back(std::move(parsed));
        }
    }
    return lines;
}

std::string gzip(const std::string& data) {
    z_stream stream{};
    deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&stream, data.size()), '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    deflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return out;
}

void addString(google::protobuf::RepeatedPtrField<pbc::KeyValue>* list, const std::string& key,
               const std::string& value) {
    auto* kv = list->Add();
    kv->set_key(key);
    kv->mutable_value()->set_string_value(value);
}

uint64_t nowNanos() {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
}

class OtlpTest : public ServerTestBase {
  protected:
    void SetUp() override {
        ServerTestBase::SetUp();
        server_->start();
    }

    std::string baseUrl() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

    std::vector<nlohmann::json> runClient(const std::string& args) {
        const auto dir = otelClient();
        const auto result = run("cd '" + dir.string() + "' && node otlp_client.mjs " + args);
        EXPECT_EQ(result.status, 0) << result.output;
        return jsonLines(result.output);
    }

    httplib::Result post(const std::string& path, const std::string& body,
                         const std::string& content_type, const std::string& encoding = "") {
        auto c = client();
        httplib::Headers headers;
        if (!encoding.empty()) {
            headers.emplace("Content-Encoding", encoding);
        }
        return c.Post(path, headers, body, content_type);
    }

    std::string tsv(const std::string& sql) { return query(sql + " FORMAT TabSeparated"); }

    std::string tenantLiteral() const { return storage::quoteString(tenant_); }
    std::string table(const char* name) const { return storage::quoteQualified(slug_, name); }

    // service -> "metric{le=..|quantile=..}" -> (value, sorted labels "k=v,...")
    std::map<std::string, std::map<std::string, std::pair<double, std::string>>> samples() {
        const auto text = tsv(
            "SELECT service_id, metric_name, value, arrayStringConcat(arraySort(arrayMap((k, v) "
            "-> concat(k, '=', v), label_keys, label_values)), ',') FROM " +
            table("infrasage_samples") +
            " ANY INNER JOIN (SELECT tenant_id, series_id, service_id, metric_name, label_keys, "
            "label_values FROM " +
            table("infrasage_series") + " WHERE tenant_id = " + tenantLiteral() +
            ") USING (tenant_id, series_id) WHERE tenant_id = " + tenantLiteral());
        std::map<std::string, std::map<std::string, std::pair<double, std::string>>> out;
        std::istringstream in(text);
        std::string line;
        while (std::getline(in, line)) {
            std::vector<std::string> f;
            std::istringstream fields(line);
            std::string field;
            while (std::getline(fields, field, '\t')) {
                f.push_back(field);
            }
            if (f.size() < 3) {
                continue;
            }
            const std::string labels = f.size() > 3 ? f[3] : "";
            std::string key = f[1];
            const auto le = labels.find("le=");
            if (le != std::string::npos && (le == 0 || labels[le - 1] == ',')) {
                key += "{" + labels.substr(le, labels.find(',', le) - le) + "}";
            }
            out[f[0]][key] = {std::stod(f[2]), labels};
        }
        return out;
    }
};

TEST_F(OtlpTest, SdkMetricsInProtobufAndJsonWithAndWithoutGzipArriveWithTheirValues) {
    const auto results = runClient("metrics " + baseUrl() + " " + api_key_ + " sdk");
    ASSERT_EQ(results.size(), 4u);
    // Per service: counter, gauge, 4 buckets, count, sum, min, max.
    ASSERT_EQ(waitForRows("infrasage_samples", 40), 40u);
    const auto by_service = samples();
    for (const auto& result : results) {
        const std::string service = result["service"];
        SCOPED_TRACE(service);
        ASSERT_EQ(result["code"], 0) << result.dump();
        ASSERT_TRUE(by_service.count(service));
        const auto& m = by_service.at(service);
        ASSERT_EQ(m.size(), 10u);
        EXPECT_EQ(m.at("otel_test.requests").first, 7);
        EXPECT_EQ(m.at("otel_test.requests").second,
                  "deployment.environment=test,otel.monotonic=true,otel.scope.name=otlp-test-meter,"
                  "otel.scope.version=1.2.3,otel.temporality=cumulative,route=/a");
        EXPECT_EQ(m.at("otel_test.temperature").first, 21.5);
        EXPECT_NE(m.at("otel_test.temperature").second.find("room=lab"), std::string::npos);
        EXPECT_EQ(m.at("otel_test.latency_bucket{le=1}").first, 1);
        EXPECT_EQ(m.at("otel_test.latency_bucket{le=5}").first, 2);
        EXPECT_EQ(m.at("otel_test.latency_bucket{le=10}").first, 3);
        EXPECT_EQ(m.at("otel_test.latency_bucket{le=+Inf}").first, 3);
        EXPECT_EQ(m.at("otel_test.latency_count").first, 3);
        EXPECT_EQ(m.at("otel_test.latency_sum").first, 10.5);
        EXPECT_EQ(m.at("otel_test.latency_min").first, 0.5);
        EXPECT_EQ(m.at("otel_test.latency_max").first, 7);
        EXPECT_EQ(m.at("otel_test.latency_count").second.find("service.name"), std::string::npos);
    }
}

TEST_F(OtlpTest, SdkTracesAcrossTwoServicesGiveSpansAndTheGraphEdge) {
    auto results = runClient("traces " + baseUrl() + " " + api_key_ + " proto-svc proto");
    const auto json_results = runClient("traces " + baseUrl() + " " + api_key_ + " json-svc json");
    ASSERT_EQ(results.size(), 1u);
    ASSERT_EQ(json_results.size(), 1u);
    results.push_back(json_results[0]);
    ASSERT_EQ(waitForRows("infrasage_spans", 4), 4u);

    for (const auto& r : results) {
        SCOPED_TRACE(r.dump());
        const std::string parent = r["parent_span_id"];
        const std::string child = r["child_span_id"];
        const auto rows =
            tsv("SELECT service_id, trace_id, parent_span_id, name, kind, "
                "status_code, status_message, duration_nanos > 0 FROM " +
                table("infrasage_spans") + " WHERE tenant_id = " + tenantLiteral() +
                " AND span_id IN (" + storage::quoteString(parent) + ", " +
                storage::quoteString(child) + ") ORDER BY parent_span_id");
        const std::string trace = r["trace_id"];
        const std::string a = r["service_a"];
        const std::string b = r["service_b"];
        EXPECT_EQ(rows, a + "\t" + trace + "\t\tGET /checkout\tserver\tunset\t\t1\n" + b + "\t" +
                            trace + "\t" + parent +
                            "\tcharge card\tserver\terror\tcard declined\t1\n");
    }

    auto c = client();
    auto graph = c.Get("/api/v1/services/graph");
    ASSERT_TRUE(graph);
    ASSERT_EQ(graph->status, 200) << graph->body;
    const auto edges = json(graph)["edges"];
    const auto expected = nlohmann::json::parse(
        R"([{"from":"json-svc-a","to":"json-svc-b","calls":1,"errors":1},
            {"from":"proto-svc-a","to":"proto-svc-b","calls":1,"errors":1}])");
    EXPECT_EQ(edges, expected);

    // Another tenant's reader sees no edge of this tenant.
    const auto other_key = createApiKey(tenant_ + "-other", "readonly");
    httplib::Client other("127.0.0.1", server_->port());
    other.set_default_headers({{"X-API-Key", other_key}});
    auto other_graph = other.Get("/api/v1/services/graph");
    ASSERT_TRUE(other_graph);
    EXPECT_EQ(json(other_graph)["edges"], nlohmann::json::array());
    // since after until is refused.
    EXPECT_EQ(c.Get("/api/v1/services/graph?since=2024-01-01T00:00:00Z&until=2023-01-01T00:00:00Z")
                  ->status,
              400);
}

TEST_F(OtlpTest, LogsKeepSeverityBodyAndTrace) {
    collector::logs::v1::ExportLogsServiceRequest request;
    auto* resource = request.add_resource_logs();
    addString(resource->mutable_resource()->mutable_attributes(), "service.name", "log-svc");
    auto* record = resource->add_scope_logs()->add_log_records();
    record->set_time_unix_nano(nowNanos());
    record->set_severity_number(opentelemetry::proto::logs::v1::SEVERITY_NUMBER_ERROR);
    record->set_severity_text("ERROR");
    record->mutable_body()->set_string_value("payment failed");
    record->set_trace_id(std::string(16, '\x2a'));
    addString(record->mutable_attributes(), "order", "o-1");
    auto res = post("/v1/logs", request.SerializeAsString(), "application/x-protobuf");
    ASSERT_TRUE(res) << "error " << static_cast<int>(res.error());
    ASSERT_EQ(res->status, 200) << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/x-protobuf");
    EXPECT_EQ(res->body, "");  // ExportLogsServiceResponse without partial_success

    const auto json_body = R"({"resourceLogs":[{"resource":{"attributes":[{"key":"service.name",
        "value":{"stringValue":"log-svc"}}]},"scopeLogs":[{"logRecords":[{"timeUnixNano":")" +
                           std::to_string(nowNanos()) + R"(","severityNumber":5,
        "severityText":"DEBUG","body":{"kvlistValue":{"values":[{"key":"n","value":{"intValue":"2"}}]}},
        "traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1112131415161718"}]}]}]})";
    res = post("/v1/logs", gzip(json_body), "application/json", "gzip");
    ASSERT_TRUE(res) << "error " << static_cast<int>(res.error());
    ASSERT_EQ(res->status, 200) << res->body;
    EXPECT_EQ(res->body, "{}");

    ASSERT_EQ(waitForRows("infrasage_logs", 2), 2u);
    EXPECT_EQ(tsv("SELECT service_id, severity_text, severity_number, body, trace_id, "
                  "arrayStringConcat(attr_keys, ','), arrayStringConcat(attr_values, ',') FROM " +
                  table("infrasage_logs") + " WHERE tenant_id = " + tenantLiteral() +
                  " ORDER BY severity_number"),
              "log-svc\tDEBUG\t5\t{\"n\":2}\t0102030405060708090a0b0c0d0e0f10\tspan_id\t"
              "1112131415161718\n"
              "log-svc\tERROR\t17\tpayment failed\t2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a\torder\to-1\n");
}

TEST_F(OtlpTest, BadPayloadsAreRefusedWithFourHundredsAndNothingIsWritten) {
    // A valid span, to cut short into a truncated body and to mix with a bad one.
    collector::trace::v1::ExportTraceServiceRequest spans;
    auto* resource = spans.add_resource_spans();
    addString(resource->mutable_resource()->mutable_attributes(), "service.name", "bad-svc");
    auto* scope = resource->add_scope_spans();
    auto* good = scope->add_spans();
    good->set_trace_id(std::string(16, '\x01'));
    good->set_span_id(std::string(8, '\x02'));
    good->set_name("ok");
    good->set_start_time_unix_nano(nowNanos());
    good->set_end_time_unix_nano(nowNanos() + 1000);
    collector::trace::v1::ExportTraceServiceRequest only_bad = spans;
    only_bad.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->set_span_id("x");
    const std::string good_bytes = spans.SerializeAsString();

    collector::metrics::v1::ExportMetricsServiceRequest huge_labels;
    auto* rm = huge_labels.add_resource_metrics();
    auto* metric = rm->add_scope_metrics()->add_metrics();
    metric->set_name("too.many.labels");
    auto* point = metric->mutable_gauge()->add_data_points();
    point->set_time_unix_nano(nowNanos());
    point->set_as_double(1);
    for (int i = 0; i < 200; ++i) {
        addString(point->mutable_attributes(), "k" + std::to_string(i), "v");
    }
    collector::metrics::v1::ExportMetricsServiceRequest nan_gauge = huge_labels;
    auto* nan_point = nan_gauge.mutable_resource_metrics(0)
                          ->mutable_scope_metrics(0)
                          ->mutable_metrics(0)
                          ->mutable_gauge()
                          ->mutable_data_points(0);
    nan_point->clear_attributes();
    nan_point->set_as_double(std::nan(""));

    struct Case {
        std::string name, path, body, content_type, encoding;
        int status;
        std::string code;
    };
    const std::vector<Case> cases{
        {"truncated protobuf", "/v1/traces", good_bytes.substr(0, good_bytes.size() - 4),
         "application/x-protobuf", "", 400, "invalid_protobuf"},
        {"invalid json", "/v1/metrics", R"({"resourceMetrics":[)", "application/json", "", 400,
         "invalid_json"},
        {"invalid utf-8", "/v1/logs", "{\"resourceLogs\":[{\"x\":\"\xff\"}]}", "application/json",
         "", 400, "invalid_utf8"},
        {"hex id that is not hex", "/v1/traces",
         R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz"}]}]}]})", "application/json",
         "", 400, "invalid_id"},
        {"unknown content type", "/v1/traces", good_bytes, "text/plain", "", 415,
         "unsupported_media_type"},
        {"unknown content encoding", "/v1/traces", good_bytes, "application/x-protobuf", "zstd",
         415, "unsupported_encoding"},
        {"broken gzip", "/v1/traces", "not gzip at all", "application/x-protobuf", "gzip", 400, ""},
        {"gzip bomb", "/v1/logs", gzip(std::string(17u << 20, '\0')), "application/x-protobuf",
         "gzip", 413, ""},
        {"only invalid spans", "/v1/traces", only_bad.SerializeAsString(), "application/x-protobuf",
         "", 400, "invalid_records"},
        {"huge label set", "/v1/metrics", huge_labels.SerializeAsString(), "application/x-protobuf",
         "", 400, "invalid_records"},
        {"NaN gauge", "/v1/metrics", nan_gauge.SerializeAsString(), "application/x-protobuf", "",
         400, "invalid_records"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        auto res = post(c.path, c.body, c.content_type, c.encoding);
        ASSERT_TRUE(res) << "error " << static_cast<int>(res.error());
        EXPECT_EQ(res->status, c.status) << res->body;
        if (c.code.empty()) {
            continue;
        }
        if (c.content_type == "application/x-protobuf") {
            infrasage::otlp::v1::Status status;
            ASSERT_TRUE(status.ParseFromString(res->body)) << res->body;
            EXPECT_EQ(status.code(), 3);  // INVALID_ARGUMENT
            EXPECT_FALSE(status.message().empty());
        } else {
            EXPECT_EQ(json(res)["error"], c.code) << res->body;
        }
    }

    // Partial success: the good span is kept, the bad one reported.
    collector::trace::v1::ExportTraceServiceRequest mixed = spans;
    auto* bad = mixed.mutable_resource_spans(0)->mutable_scope_spans(0)->add_spans();
    *bad = *good;
    bad->set_trace_id("short");
    auto res = post("/v1/traces", mixed.SerializeAsString(), "application/x-protobuf");
    ASSERT_TRUE(res) << "error " << static_cast<int>(res.error());
    ASSERT_EQ(res->status, 200);
    infrasage::otlp::v1::ExportTraceServiceResponse answer;
    ASSERT_TRUE(answer.ParseFromString(res->body));
    EXPECT_EQ(answer.partial_success().rejected_spans(), 1);
    EXPECT_EQ(answer.partial_success().error_message().rfind("invalid_id", 0), 0u);

    // Markers after the bad requests: once they are in ClickHouse, everything before them is.
    collector::metrics::v1::ExportMetricsServiceRequest marker = nan_gauge;
    marker.mutable_resource_metrics(0)
        ->mutable_scope_metrics(0)
        ->mutable_metrics(0)
        ->mutable_gauge()
        ->mutable_data_points(0)
        ->set_as_double(1);
    ASSERT_EQ(post("/v1/metrics", marker.SerializeAsString(), "application/x-protobuf")->status,
              200);
    ASSERT_EQ(waitForRows("infrasage_spans", 1), 1u);
    ASSERT_EQ(waitForRows("infrasage_samples", 1), 1u);
    EXPECT_EQ(countRows("infrasage_spans"), 1u);
    EXPECT_EQ(countRows("infrasage_samples"), 1u);
    EXPECT_EQ(countRows("infrasage_series"), 1u);
    EXPECT_EQ(countRows("infrasage_logs"), 0u);
}

}  // namespace
}  // namespace infrasage::testing
