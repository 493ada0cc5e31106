// Integration-test base: a real `infrasage serve` process on a free port, talking to the real test
// ClickHouse in a database of its own, with a tenant of its own; helpers to send requests and to
// count what reached ClickHouse.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
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
        tenant_ = "tenant_" + slug_.substr(3);
        server_ = makeServer({});
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
            {"INFRASAGE_ENV", "development"}, {"INFRASAGE_DEV_TENANT", tenant_},
            {"CLICKHOUSE_DATABASE", slug_},   {"INFRASAGE_FLUSH_INTERVAL_MS", "200"},
            {"INFRASAGE_LOG_LEVEL", "info"},
        };
        for (auto& [k, v] : extra) env[k] = v;
        if (data_dir_.empty()) data_dir_ = makeTempDir(slug_);
        return std::make_unique<ServerProcess>(data_dir_ / data_subdir, env);
    }

    httplib::Client client() const {
        httplib::Client c("127.0.0.1", server_->port());
        c.set_read_timeout(30, 0);
        c.set_write_timeout(30, 0);
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

    std::string slug_;
    std::string tenant_;
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
