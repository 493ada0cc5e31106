#include <gtest/gtest.h>

#include <stdexcept>

#include "storage/ClickHouseClient.h"

namespace infrasage::storage {
namespace {

ClickHouseOptions optionsFor(std::string url, bool tls) {
    ClickHouseOptions options;
    options.url = std::move(url);
    options.tls_enabled = tls;
    return options;
}

TEST(ClickHouseClient, AcceptsConsistentUrlAndTlsSettings) {
    EXPECT_NO_THROW(ClickHouseClient(optionsFor("http://127.0.0.1:8123", false)));
    EXPECT_NO_THROW(ClickHouseClient(optionsFor("https://localhost:8443/", true)));
}

TEST(ClickHouseClient, RejectsTlsWithoutHttpsAndHttpsWithoutTls) {
    EXPECT_THROW(ClickHouseClient(optionsFor("http://127.0.0.1:8123", true)),
                 std::invalid_argument);
    EXPECT_THROW(ClickHouseClient(optionsFor("https://localhost:8443", false)),
                 std::invalid_argument);
    EXPECT_THROW(ClickHouseClient(optionsFor("ftp://localhost", false)), std::invalid_argument);
    EXPECT_THROW(ClickHouseClient(optionsFor("127.0.0.1:8123", false)), std::invalid_argument);
}

TEST(ClickHouseClient, RejectsCredentialsThatWouldInjectHeaders) {
    auto options = optionsFor("http://127.0.0.1:8123", false);
    options.password = "secret\r\nX-ClickHouse-User: default";
    EXPECT_THROW(ClickHouseClient{options}, std::invalid_argument);
    options.password = "secret";
    options.user = "infrasage\n";
    EXPECT_THROW(ClickHouseClient{options}, std::invalid_argument);
}

TEST(ClickHouseClient, ReportsNoRoundTripBeforeTheFirstRequest) {
    ClickHouseClient client(optionsFor("http://127.0.0.1:8123", false));
    EXPECT_EQ(client.lastRoundTrip().count(), 0);
}

}  // namespace
}  // namespace infrasage::storage
