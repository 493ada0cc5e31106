#include "support/ClickHouseTestEnv.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace infrasage::testing {

namespace {

constexpr const char* kHowToSet =
    "start the test ClickHouse and export its settings first:\n"
    "  CLICKHOUSE_INSTANCE=test scripts/clickhouse.sh start\n"
    "  eval \"$(CLICKHOUSE_INSTANCE=test scripts/clickhouse.sh env)\"";

std::string required(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
        throw std::runtime_error(std::string("environment variable ") + name + " is not set; " +
                                 kHowToSet);
    }
    return value;
}

std::string readPassword(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error("cannot read CLICKHOUSE_PASSWORD_FILE " + path + "; " + kHowToSet);
    }
    std::stringstream content;
    content << in.rdbuf();
    std::string password = content.str();
    while (!password.empty() &&
           (password.back() == '\n' || password.back() == '\r' || password.back() == ' ')) {
        password.pop_back();
    }
    return password;
}

storage::ClickHouseOptions baseOptions(const std::string& database) {
    storage::ClickHouseOptions options;
    options.database = database;
    options.user = required("CLICKHOUSE_USER");
    options.password = readPassword(required("CLICKHOUSE_PASSWORD_FILE"));
    options.request_timeout = std::chrono::milliseconds(30000);
    return options;
}

}  // namespace

storage::ClickHouseOptions clickHouseOptions(const std::string& database) {
    auto options = baseOptions(database);
    options.url = required("CLICKHOUSE_URL");
    return options;
}

storage::ClickHouseOptions clickHouseTlsOptions(const std::string& database) {
    auto options = baseOptions(database);
    options.url = required("CLICKHOUSE_HTTPS_URL");
    options.tls_enabled = true;
    options.tls_ca_cert = required("CLICKHOUSE_TLS_CA_CERT");
    return options;
}

}  // namespace infrasage::testing
