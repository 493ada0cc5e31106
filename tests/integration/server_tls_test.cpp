// TLS on the listener, checked with a real TLS client (curl): TLS 1.2+ served with the configured
// certificate, TLS 1.1 and plain HTTP refused.
#include <cstdio>
#include <cstdlib>

#include "ServerTestBase.h"

namespace infrasage::testing {
namespace {

int sh(const std::string& cmd) {
    return WEXITSTATUS(std::system((cmd + " >/dev/null 2>&1").c_str()));
}

std::string capture(const std::string& cmd) {
    FILE* p = ::popen((cmd + " 2>/dev/null").c_str(), "r");
    std::string out;
    char buf[4096];
    while (auto n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    ::pclose(p);
    return out;
}

// A private CA and a server certificate for localhost/127.0.0.1, made with the openssl CLI.
void makeCertificates(const std::filesystem::path& dir) {
    auto d = dir.string();
    ASSERT_EQ(sh("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=infrasage-test-ca "
                 "-keyout " +
                 d + "/ca.key -out " + d + "/ca.crt"),
              0);
    ASSERT_EQ(sh("openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout " + d +
                 "/server.key -out " + d + "/server.csr"),
              0);
    std::FILE* ext = std::fopen((d + "/ext.cnf").c_str(), "w");
    std::fputs("subjectAltName=DNS:localhost,IP:127.0.0.1\n", ext);
    std::fclose(ext);
    ASSERT_EQ(
        sh("openssl x509 -req -in " + d + "/server.csr -CA " + d + "/ca.crt -CAkey " + d +
           "/ca.key -CAcreateserial -days 2 -extfile " + d + "/ext.cnf -out " + d + "/server.crt"),
        0);
}

class ServerTlsTest : public ServerTestBase {};

TEST_F(ServerTlsTest, ServesTls12AndUpWithTheConfiguredCertificateOnly) {
    auto certs = makeTempDir("tls");
    makeCertificates(certs);
    server_ = makeServer({{"GATEWAY_TLS_ENABLED", "true"},
                          {"GATEWAY_TLS_CERT", (certs / "server.crt").string()},
                          {"GATEWAY_TLS_KEY", (certs / "server.key").string()}});
    server_->start();
    const auto url = "https://localhost:" + std::to_string(server_->port());
    const auto ca = " --cacert " + (certs / "ca.crt").string();

    EXPECT_EQ(capture("curl -s -o /dev/null -w '%{http_code}'" + ca + " " + url + "/healthz"),
              "200");
    EXPECT_EQ(
        capture("curl -s -o /dev/null -w '%{http_code}' --tlsv1.3" + ca + " " + url + "/healthz"),
        "200");
    auto post = capture("curl -s" + ca + " -H 'X-API-Key: " + api_key_ +
                        "' -H 'Content-Type: application/json' -d " +
                        R"('{"service_id":"tls","metric_name":"m","value":1}' )" + url +
                        "/api/v1/telemetry");
    EXPECT_EQ(nlohmann::json::parse(post, nullptr, false)["status"], "ok") << post;
    EXPECT_EQ(waitForRows("infrasage_metrics", 1), 1u);
    auto hsts = capture("curl -s -D - -o /dev/null" + ca + " " + url + "/healthz");
    EXPECT_NE(hsts.find("Strict-Transport-Security: max-age="), std::string::npos) << hsts;

    // Refused: TLS 1.1, an unknown CA, and plain HTTP on the TLS port.
    EXPECT_NE(sh("curl -s --tlsv1.1 --tls-max 1.1" + ca + " " + url + "/healthz"), 0);
    EXPECT_NE(sh("curl -s " + url + "/healthz"), 0);
    EXPECT_NE(capture("curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://127.0.0.1:" +
                      std::to_string(server_->port()) + "/healthz"),
              "200");
    // openssl s_client offering only TLS 1.1 gets no session (it prints the protocol it offered).
    auto tls11 = capture("echo | openssl s_client -tls1_1 -connect 127.0.0.1:" +
                         std::to_string(server_->port()) + " 2>&1");
    EXPECT_NE(tls11.find("Cipher is (NONE)"), std::string::npos) << tls11;
}

TEST_F(ServerTlsTest, DeliversToClickHouseOverTlsWithThePrivateCa) {
    server_ = makeServer({{"CLICKHOUSE_URL", envOr("CLICKHOUSE_HTTPS_URL", "")},
                          {"CLICKHOUSE_TLS_ENABLED", "true"},
                          {"CLICKHOUSE_TLS_CA_CERT", envOr("CLICKHOUSE_TLS_CA_CERT", "")}});
    server_->start();
    ASSERT_EQ(
        postJson("/api/v1/telemetry", R"({"service_id":"a","metric_name":"m","value":7})")->status,
        200);
    EXPECT_EQ(waitForRows("infrasage_metrics", 1), 1u);
    EXPECT_EQ(client().Get("/readyz")->status, 200);
}

TEST_F(ServerTlsTest, ClickHouseTlsWithAnotherCaDeliversNothing) {
    auto certs = makeTempDir("wrong-ca");
    makeCertificates(certs);  // a CA that did not sign ClickHouse's certificate
    server_ = makeServer({{"CLICKHOUSE_URL", envOr("CLICKHOUSE_HTTPS_URL", "")},
                          {"CLICKHOUSE_TLS_ENABLED", "true"},
                          {"CLICKHOUSE_TLS_CA_CERT", (certs / "ca.crt").string()}});
    server_->start();
    ASSERT_EQ(
        postJson("/api/v1/telemetry", R"({"service_id":"a","metric_name":"m","value":7})")->status,
        200);  // durable locally; ClickHouse is not trusted, so nothing is delivered
    std::this_thread::sleep_for(std::chrono::seconds(2));
    EXPECT_EQ(countRows("infrasage_metrics"), 0u);
    EXPECT_EQ(client().Get("/readyz")->status, 503);
}

// A client certificate signed by the test CA, for mTLS.
void makeClientCertificate(const std::filesystem::path& dir) {
    auto d = dir.string();
    ASSERT_EQ(sh("openssl req -newkey rsa:2048 -nodes -subj /CN=agent-1 -keyout " + d +
                 "/client.key -out " + d + "/client.csr"),
              0);
    ASSERT_EQ(sh("openssl x509 -req -in " + d + "/client.csr -CA " + d + "/ca.crt -CAkey " + d +
                 "/ca.key -CAcreateserial -days 2 -out " + d + "/client.crt"),
              0);
}

TEST_F(ServerTlsTest, MutualTlsRefusesClientsWithoutACertificateFromTheClientCa) {
    auto certs = makeTempDir("mtls");
    makeCertificates(certs);
    makeClientCertificate(certs);
    auto other = makeTempDir("mtls-other-ca");
    makeCertificates(other);
    makeClientCertificate(other);  // signed by a CA the server does not trust
    server_ = makeServer({{"GATEWAY_TLS_ENABLED", "true"},
                          {"GATEWAY_TLS_CERT", (certs / "server.crt").string()},
                          {"GATEWAY_TLS_KEY", (certs / "server.key").string()},
                          {"MTLS_ENABLED", "true"},
                          {"MTLS_CLIENT_CA", (certs / "ca.crt").string()}});
    server_->setProbeClientCertificate((certs / "client.crt").string(),
                                       (certs / "client.key").string());
    server_->start();
    const auto url = "https://localhost:" + std::to_string(server_->port()) + "/healthz";
    const auto ca = " --cacert " + (certs / "ca.crt").string();
    auto with = [&](const std::filesystem::path& dir) {
        return " --cert " + (dir / "client.crt").string() + " --key " +
               (dir / "client.key").string();
    };
    EXPECT_EQ(capture("curl -s -o /dev/null -w '%{http_code}'" + ca + with(certs) + " " + url),
              "200");
    EXPECT_NE(capture("curl -s -o /dev/null -w '%{http_code}'" + ca + " " + url), "200");
    EXPECT_NE(capture("curl -s -o /dev/null -w '%{http_code}'" + ca + with(other) + " " + url),
              "200");
}

TEST_F(ServerTlsTest, MissingCertificateFileFailsToStartWithAClearMessage) {
    server_ = makeServer({{"GATEWAY_TLS_ENABLED", "true"},
                          {"GATEWAY_TLS_CERT", "/nonexistent/server.crt"},
                          {"GATEWAY_TLS_KEY", "/nonexistent/server.key"}});
    EXPECT_THROW(server_->start(std::chrono::seconds(10)), std::runtime_error);
    EXPECT_NE(server_->logs().find("tls"), std::string::npos);
}

}  // namespace
}  // namespace infrasage::testing
