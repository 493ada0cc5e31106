// Bad input over HTTP: each answer is the documented 4xx code, nothing is written, and the server
// stays healthy.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ServerTestBase.h"

namespace infrasage::testing {
namespace {

class ServerBadInputTest : public ServerTestBase {
  protected:
    void SetUp() override {
        ServerTestBase::SetUp();
        server_ = makeServer({{"INFRASAGE_MAX_BODY_BYTES", std::to_string(4 << 20)}});
        server_->start();
    }

    void expectRefused(const std::string& path, const std::string& body, int status,
                       const std::string& code) {
        auto r = postJson(path, body);
        ASSERT_TRUE(r) << code;
        EXPECT_EQ(r->status, status) << code << ": " << r->body.substr(0, 300);
        auto j = json(r);
        EXPECT_EQ(j["status"], "error") << r->body.substr(0, 300);
        EXPECT_EQ(j["error"], code) << r->body.substr(0, 300);
        EXPECT_TRUE(j["message"].is_string());
    }

    // Nothing reached any table, and the server still serves.
    void expectNothingWrittenAndHealthy() {
        // One valid record acts as a barrier: once it is delivered, anything sent before it
        // would have been delivered too.
        ASSERT_EQ(
            postJson("/api/v1/telemetry", R"({"service_id":"barrier","type":"event","body":"b"})")
                ->status,
            200);
        ASSERT_EQ(waitForRows("infrasage_events", 1), 1u);
        for (const char* table : {"infrasage_metrics", "infrasage_logs", "infrasage_traces",
                                  "infrasage_profiles", "infrasage_slos"}) {
            EXPECT_EQ(countRows(table), 0u) << table;
        }
        EXPECT_EQ(countRows("infrasage_events"), 1u);
        EXPECT_EQ(client().Get("/healthz")->status, 200);
    }
};

std::string timestampAgo(std::chrono::seconds ago) {
    auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() - ago);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

TEST_F(ServerBadInputTest, EachKindOfBadRecordGetsItsCodeAndNothingIsWritten) {
    const std::string one = "/api/v1/telemetry";
    expectRefused(one, R"({"service_id":"a","value":)", 400, "invalid_json");
    expectRefused(one, R"({"service_id":"a","metric_name":"m","value":1} trailing)", 400,
                  "invalid_json");
    expectRefused(one, R"({"service_id":7,"metric_name":"m","value":1})", 400,
                  "invalid_field_type");
    expectRefused(one, R"({"service_id":"a","metric_name":"m","value":"12"})", 400,
                  "invalid_value");
    expectRefused(one, R"({"metric_name":"m","value":1})", 400, "missing_service_id");
    expectRefused(one, R"({"service_id":"a","value":1})", 400, "missing_metric_name");
    expectRefused(one, R"({"service_id":"a","metric_name":"m"})", 400, "missing_value");
    expectRefused(one, R"({"service_id":"a","type":"log"})", 400, "missing_body");
    expectRefused(one, R"({"service_id":"a","type":"gauge","metric_name":"m","value":1})", 400,
                  "invalid_type");
    expectRefused(one, R"({"service_id":"a","metric_name":"m","value":1,"colour":"red"})", 400,
                  "unknown_field");
    expectRefused(one, R"({"service_id":"a","metric_name":"m","value":NaN})", 400, "invalid_json");
    expectRefused(one, R"({"service_id":"a","metric_name":"m","value":"NaN"})", 400,
                  "invalid_value");
    expectRefused(one, R"({"service_id":"a","metric_name":"m","value":"Infinity"})", 400,
                  "invalid_value");
    expectRefused(one, R"({"service_id":"a","metric_name":"m","value":1e999})", 400,
                  "invalid_value");
    expectRefused(one,
                  R"({"service_id":"a","metric_name":"m","value":1,"timestamp":")" +
                      timestampAgo(std::chrono::hours(25)) + "\"}",
                  400, "timestamp_too_old");
    expectRefused(one,
                  R"({"service_id":"a","metric_name":"m","value":1,"timestamp":")" +
                      timestampAgo(-std::chrono::hours(2)) + "\"}",
                  400, "timestamp_in_future");
    expectRefused(one, R"({"service_id":"a","metric_name":"m","value":1,"timestamp":"yesterday"})",
                  400, "invalid_timestamp");
    expectRefused(one, "{\"service_id\":\"a\xff\xfe\",\"metric_name\":\"m\",\"value\":1}", 400,
                  "invalid_utf8");
    expectRefused(one, R"([{"service_id":"a","metric_name":"m","value":1}])", 400,
                  "invalid_record");
    expectRefused(one, std::string(10000, '[') + std::string(10000, ']'), 400, "invalid_json");
    std::string attrs = R"({"service_id":"a","metric_name":"m","value":1,"attributes":{)";
    for (int i = 0; i < 65; ++i) attrs += (i ? "," : "") + ("\"k" + std::to_string(i) + "\":\"v\"");
    expectRefused(one, attrs + "}}", 400, "too_many_attributes");
    expectRefused(
        one, R"({"service_id":")" + std::string(300, 's') + R"(","metric_name":"m","value":1})",
        400, "field_too_long");

    const std::string batch = "/api/v1/telemetry/batch";
    expectRefused(batch, R"({"service_id":"a","metric_name":"m","value":1})", 400, "invalid_batch");
    expectRefused(batch, "[]", 400, "empty_batch");
    expectRefused(batch, R"([{"service_id":"a","metric_name":"m","value":1}, {"service_id":)", 400,
                  "invalid_json");
    expectRefused(batch, std::string(10000, '[') + std::string(10000, ']'), 400, "invalid_json");
    expectRefused(batch, sequenceBatch(0, 10001), 413, "too_many_records");

    expectNothingWrittenAndHealthy();
}

TEST_F(ServerBadInputTest, WrongContentTypeIs415) {
    auto r = client().Post("/api/v1/telemetry", R"({"service_id":"a","metric_name":"m","value":1})",
                           "text/plain");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 415);
    EXPECT_EQ(json(r)["error"], "unsupported_media_type");
}

// Sends raw bytes and returns the response status line and body (the server may close early).
std::string rawExchange(uint16_t port, const std::string& head, std::size_t body_bytes) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return "";
    timeval tv{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
    std::string chunk(1 << 20, 'x');
    for (std::size_t sent = 0; sent < body_bytes; sent += chunk.size()) {
        if (::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL) <= 0) break;
    }
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) {
        out.append(buf, static_cast<std::size_t>(n));
        // Stop at the end of the first response instead of waiting for the server to close.
        auto head_end = out.find("\r\n\r\n");
        auto length_at = out.find("Content-Length: ");
        if (head_end != std::string::npos && length_at != std::string::npos &&
            length_at < head_end &&
            out.size() >= head_end + 4 + std::stoul(out.substr(length_at + 16))) {
            break;
        }
    }
    ::close(fd);
    return out;
}

TEST_F(ServerBadInputTest, HundredMegabyteBodyIs413WithoutReadingIt) {
    std::string head = std::string("POST /api/v1/telemetry/batch HTTP/1.1\r\nHost: x\r\n") +
                       "Content-Type: application/json\r\n" + "X-API-Key: " + api_key_ + "\r\n" +
                       "Content-Length: 104857600\r\nConnection: close\r\n\r\n";
    auto out = rawExchange(server_->port(), head, 2 << 20);
    EXPECT_EQ(out.rfind("HTTP/1.1 413", 0), 0u) << out.substr(0, 200);
    EXPECT_NE(out.find("\"payload_too_large\""), std::string::npos) << out.substr(0, 400);
    expectNothingWrittenAndHealthy();
}

TEST_F(ServerBadInputTest, OversizedChunkedBodyIs413) {
    std::string head = std::string("POST /api/v1/telemetry/batch HTTP/1.1\r\nHost: x\r\n") +
                       "Content-Type: application/json\r\n" + "X-API-Key: " + api_key_ + "\r\n" +
                       "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    std::string chunk(1 << 20, 'x');
    std::string framed;
    for (int i = 0; i < 6; ++i) framed += "100000\r\n" + chunk + "\r\n";
    framed += "0\r\n\r\n";
    auto out = rawExchange(server_->port(), head + framed, 0);
    EXPECT_EQ(out.rfind("HTTP/1.1 413", 0), 0u) << out.substr(0, 200);
    expectNothingWrittenAndHealthy();
}

TEST_F(ServerBadInputTest, OversizedHeaderIsRefused) {
    std::string head = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') +
                       "\r\nConnection: close\r\n\r\n";
    auto out = rawExchange(server_->port(), head, 0);
    EXPECT_EQ(out.find("HTTP/1.1 200"), std::string::npos) << out.substr(0, 200);
    EXPECT_EQ(client().Get("/healthz")->status, 200);
}

}  // namespace
}  // namespace infrasage::testing
