// ClickHouseClient against the real test instance: TLS verification, retries and their limits,
// error classification, concurrency.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "storage/ClickHouseClient.h"
#include "storage/SqlLiteral.h"
#include "support/ClickHouseTestEnv.h"
#include "support/TestEnv.h"

namespace infrasage::storage {
namespace {

using namespace std::chrono_literals;

// A loopback port nothing listens on: bound once by the kernel's choice, then released.
int closedPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    socklen_t length = sizeof(address);
    EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
    ::close(fd);
    return ntohs(address.sin_port);
}

ClickHouseOptions unreachable(int attempts) {
    auto options = testing::clickHouseOptions("system");
    options.url = "http://127.0.0.1:" + std::to_string(closedPort());
    options.max_attempts = attempts;
    options.initial_backoff = 1ms;
    return options;
}

TEST(StorageClickHouseClient, QueriesOverTlsWithTheTestCa) {
    ClickHouseClient client(testing::clickHouseTlsOptions("system"));
    EXPECT_EQ(client.query("SELECT 1"), "1\n");
    EXPECT_TRUE(client.ping());
}

TEST(StorageClickHouseClient, TlsFailsWithoutTheTestCa) {
    auto options = testing::clickHouseTlsOptions("system");
    options.tls_ca_cert.clear();  // the system trust store does not know the test CA
    options.max_attempts = 1;
    ClickHouseClient client(options);
    try {
        client.query("SELECT 1");
        FAIL() << "a certificate from an unknown CA must be refused";
    } catch (const ClickHouseError& error) {
        EXPECT_EQ(error.kind(), ClickHouseError::Kind::Network);
    }
    EXPECT_FALSE(client.ping());
}

TEST(StorageClickHouseClient, TlsFailsWithAWrongCa) {
    const auto dir = testing::makeTempDir("storage-wrong-ca");
    const auto command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=wrong-ca "
        "-keyout " +
        (dir / "ca.key").string() + " -out " + (dir / "ca.crt").string() + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0);
    auto options = testing::clickHouseTlsOptions("system");
    options.tls_ca_cert = (dir / "ca.crt").string();
    options.max_attempts = 1;
    ClickHouseClient client(options);
    try {
        client.query("SELECT 1");
        FAIL() << "a certificate not signed by the configured CA must be refused";
    } catch (const ClickHouseError& error) {
        EXPECT_EQ(error.kind(), ClickHouseError::Kind::Network);
        EXPECT_NE(std::string(error.what()).find("certificate"), std::string::npos) << error.what();
    }
}

TEST(StorageClickHouseClient, ClosedPortIsANetworkErrorAfterAllAttempts) {
    ClickHouseClient client(unreachable(3));
    try {
        client.query("SELECT 1");
        FAIL() << "nothing listens on the port";
    } catch (const ClickHouseError& error) {
        EXPECT_EQ(error.kind(), ClickHouseError::Kind::Network);
        EXPECT_EQ(error.httpStatus(), 0);
        EXPECT_NE(std::string(error.what()).find("after 3 attempt(s)"), std::string::npos)
            << error.what();
    }
    EXPECT_FALSE(client.ping());
}

TEST(StorageClickHouseClient, InsertIsASingleAttempt) {
    ClickHouseClient client(unreachable(5));
    try {
        client.insert("t", "a", "RowBinary", "x");
        FAIL() << "nothing listens on the port";
    } catch (const ClickHouseError& error) {
        EXPECT_EQ(error.kind(), ClickHouseError::Kind::Network);
        EXPECT_NE(std::string(error.what()).find("after 1 attempt(s)"), std::string::npos)
            << error.what();
    }
}

TEST(StorageClickHouseClient, RetriesServerErrorsButNotClientErrors) {
    auto options = testing::clickHouseOptions("system");
    options.max_attempts = 3;
    options.initial_backoff = 1ms;
    ClickHouseClient client(options);
    std::atomic<int> exchanges{0};
    client.setRoundTripObserver([&](std::chrono::microseconds) { ++exchanges; });

    try {
        client.query("SELECT throwIf(1)");  // ClickHouse answers 500
        FAIL();
    } catch (const ClickHouseError& error) {
        EXPECT_EQ(error.kind(), ClickHouseError::Kind::Server);
        EXPECT_EQ(error.httpStatus(), 500);
        EXPECT_NE(std::string(error.what()).find("throwIf"), std::string::npos) << error.what();
    }
    EXPECT_EQ(exchanges.load(), 3);

    exchanges = 0;
    try {
        client.query("SELEC 1");  // 400: repeating it cannot help
        FAIL();
    } catch (const ClickHouseError& error) {
        EXPECT_EQ(error.kind(), ClickHouseError::Kind::Server);
        EXPECT_EQ(error.httpStatus(), 400);
        EXPECT_NE(std::string(error.what()).find("Syntax error"), std::string::npos);
    }
    EXPECT_EQ(exchanges.load(), 1);
}

TEST(StorageClickHouseClient, LongErrorTextIsCutToTwoKilobytes) {
    ClickHouseClient client(testing::clickHouseOptions("system"));
    try {
        client.query(SqlBuilder("SELECT * FROM ").identifier(std::string(5000, 'n')).str());
        FAIL();
    } catch (const ClickHouseError& error) {
        EXPECT_EQ(error.kind(), ClickHouseError::Kind::Server);
        const std::string what = error.what();
        EXPECT_LE(what.size(), 2048u + 64u);
        EXPECT_NE(what.find("nnnn"), std::string::npos);
    }
}

TEST(StorageClickHouseClient, WrongPasswordIsRefused) {
    auto options = testing::clickHouseOptions("system");
    options.password += "-wrong";
    ClickHouseClient client(options);
    try {
        client.query("SELECT 1");
        FAIL();
    } catch (const ClickHouseError& error) {
        EXPECT_EQ(error.kind(), ClickHouseError::Kind::Server);
        EXPECT_LT(error.httpStatus(), 500);
    }
}

TEST(StorageClickHouseClient, DefaultUserHasNoOpenAccess) {
    auto options = testing::clickHouseOptions("system");
    options.user = "default";
    options.password.clear();
    ClickHouseClient client(options);
    EXPECT_THROW(client.query("SELECT 1"), ClickHouseError);
}

TEST(StorageClickHouseClient, CurrentDatabaseComesFromTheOptions) {
    ClickHouseClient client(testing::clickHouseOptions("system"));
    EXPECT_EQ(client.query("SELECT currentDatabase()"), "system\n");
    EXPECT_EQ(client.queryWithoutDatabase("SELECT currentDatabase()"), "default\n");
    EXPECT_GT(client.lastRoundTrip().count(), 0);
}

TEST(StorageClickHouseClient, ReusesItsConnectionBetweenRequests) {
    ClickHouseClient client(testing::clickHouseOptions("system"));
    // The statement finds itself in system.processes and reports its client-side port.
    const auto port = [&] {
        return client.query(
            "SELECT port FROM system.processes WHERE is_initial_query AND query LIKE "
            "'%storage-keepalive-probe%' FORMAT TSV");
    };
    const auto first = port();
    ASSERT_FALSE(first.empty());
    EXPECT_EQ(port(), first);
    EXPECT_EQ(port(), first);
}

TEST(StorageClickHouseClient, OneClientServesManyThreads) {
    ClickHouseClient client(testing::clickHouseOptions("system"));
    std::atomic<int> correct{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 25; ++i) {
                const int n = t * 1000 + i;
                if (client.query(SqlBuilder("SELECT ").integer(n).str()) ==
                    std::to_string(n) + "\n") {
                    ++correct;
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(correct.load(), 100);
}

}  // namespace
}  // namespace infrasage::storage
