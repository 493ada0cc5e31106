// Integration-test base: a real `infrasage serve` process on a free port, talking to the real test
// ClickHouse in a database of its own, with a tenant of its own; helpers to send requests and to
// count what reached ClickHouse.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <thread>

#include "storage/SqlLiteral.h"
#include "support/ClickHouseTestEnv.h"
#include "support/ServerProcess.h"
#include "support/TestEnv.h"

namespace infrasage::testing {

class ServerTestBase : public ::testing::Test {
  protected:
    // Name of this test, usable as a ClickHouse identifier and tenant id.
    static std::string testSlug() {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string slug = std::string("it_") + info->test_suite_name() + "_" + info->name();
        for (char& c : slug) {
            if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
        }
        return slug;
    }

    void SetUp() override {
        slug_ = testSlug();
        database_ = std::make_unique<ScratchDatabase>(slug_);
        tenant_ = tenantSlug(slug_);
        server_ = makeServer({});
        api_key_ = createApiKey(tenant_, "full");
    }

    // A tenant id (lowercase slug) unique to the test.
    static std::string tenantSlug(const std::string& slug) {
        std::string t = "t-";
        for (char c : slug.substr(3, 40)) {
            t += std::isalnum(static_cast<unsigned char>(c))
                     ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                     : '-';
        }
        return t + "-" + std::to_string(std::hash<std::string>{}(slug) % 100000000);
    }

    // Runs `infrasage admin ARGS` on the server's data directory; returns stdout (throws on error).
    // `env` is prepended to the command (e.g. "INFRASAGE_CONTROL_STORE_URL=... ").
    std::string runAdmin(const std::string& args, const std::string& stdin_text = "",
                         const std::string& env = "") const {
        auto input = makeTempDir("admin-stdin") / "in";
        std::ofstream(input) << stdin_text;
        std::string cmd = env + " INFRASAGE_DATA_DIR=" + server_->dataDir().string() + " " +
                          ServerProcess::binary() + " admin " + args + " < " + input.string();
        FILE* p = ::popen(cmd.c_str(), "r");
        std::string out;
        char buf[4096];
        while (auto n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
        if (::pclose(p) != 0) {
            throw std::runtime_error("admin " + args + " failed: " + out);
        }
        return out;
    }

    // Creates the tenant if needed and a key of `scope` in it; returns the secret.
    std::string createApiKey(const std::string& tenant, const std::string& scope) const {
        try {
            // Unlimited tenant RPS: load and fault tests must not meet the plan limit.
            runAdmin("tenant create --rps-quota 0 --tenant " + tenant);
        } catch (const std::runtime_error&) {
            // exists already
        }
        auto out = runAdmin("apikey create --tenant " + tenant + " --name tests --scope " + scope);
        while (!out.empty() && out.back() == '\n') out.pop_back();
        return out.substr(out.rfind('\n') + 1);  // the secret is alone on the last line
    }

    void TearDown() override {
        if (server_ && server_->running()) {
            server_->stop();
        }
        if (HasFailure() && server_) {
            std::cerr << "---- server log ----\n" << server_->logs().substr(0, 20000) << "\n";
        }
    }

    // A server for this test's database and tenant; `extra` overrides the defaults.
    std::unique_ptr<ServerProcess> makeServer(std::map<std::string, std::string> extra,
                                              const std::string& data_subdir = "server") {
        std::map<std::string, std::string> env{
            {"INFRASAGE_ENV", "development"},
            {"CLICKHOUSE_DATABASE", slug_},
            {"INFRASAGE_FLUSH_INTERVAL_MS", "200"},
            {"INFRASAGE_LOG_LEVEL", "info"},
        };
        for (auto& [k, v] : extra) env[k] = v;
        if (data_dir_.empty()) data_dir_ = makeTempDir(slug_);
        return std::make_unique<ServerProcess>(data_dir_ / data_subdir, env);
    }

    // A keep-alive client that presents this test's full-scope API key.
    httplib::Client client() const {
        httplib::Client c("127.0.0.1", server_->port());
        c.set_read_timeout(30, 0);
        c.set_write_timeout(30, 0);
        c.set_keep_alive(true);
        c.set_default_headers({{"X-API-Key", api_key_}});
        return c;
    }

    httplib::Result postJson(const std::string& path, const std::string& body) const {
        auto c = client();
        return c.Post(path, body, "application/json");
    }

    static nlohmann::json json(const httplib::Result& r) {
        if (!r) return nlohmann::json();
        return nlohmann::json::parse(r->body, nullptr, false);
    }

    std::string query(const std::string& sql) { return database_->client().query(sql); }

    uint64_t countRows(const std::string& table, const std::string& extra_where = "") {
        auto sql = storage::SqlBuilder("SELECT count() FROM ")
                       .qualified(slug_, table)
                       .sql(" WHERE tenant_id = ")
                       .string(tenant_)
                       .str();
        if (!extra_where.empty()) sql += " AND " + extra_where;
        try {
            return std::stoull(query(sql));
        } catch (const std::exception&) {
            return 0;  // table not created yet
        }
    }

    // Polls until `table` holds `expected` rows of this tenant; returns the last count seen.
    uint64_t waitForRows(const std::string& table, uint64_t expected,
                         std::chrono::seconds timeout = std::chrono::seconds(30)) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        uint64_t n = 0;
        while (std::chrono::steady_clock::now() < deadline) {
            n = countRows(table);
            if (n >= expected) return n;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return n;
    }

    // Polls until the server's schema bootstrap has created `table` in this test's database.
    bool waitForTable(std::string_view table,
                      std::chrono::seconds timeout = std::chrono::seconds(30)) {
        const auto sql = storage::SqlBuilder("SELECT count() FROM system.tables WHERE database = ")
                             .string(slug_)
                             .sql(" AND name = ")
                             .string(table)
                             .str();
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (query(sql) != "1\n") {
            if (std::chrono::steady_clock::now() > deadline) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return true;
    }

    std::string slug_;
    std::string tenant_;
    std::string api_key_;
    std::filesystem::path data_dir_;
    std::unique_ptr<ScratchDatabase> database_;
    std::unique_ptr<ServerProcess> server_;
};

// A batch of `n` metric records whose values are first..first+n-1 (to check exactly-once).
inline std::string sequenceBatch(uint64_t first, uint64_t n, const std::string& service = "svc") {
    std::string body = "[";
    for (uint64_t i = 0; i < n; ++i) {
        if (i) body += ",";
        body += R"({"service_id":")" + service + R"(","metric_name":"seq","value":)" +
                std::to_string(first + i) + R"(,"attributes":{"host":"h1","region":"eu"}})";
    }
    return body + "]";
}

}  // namespace infrasage::testing
