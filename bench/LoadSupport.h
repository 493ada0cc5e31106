// bench/LoadSupport: what the load generators (load_*.cpp) share — CPU seconds and peak RSS of
// measured processes from /proc, latency percentiles, sending with retries on overload answers,
// the ClickHouse command-line options and the wait until a table holds every acknowledged row
// (the end-to-end rate). Header-only: each load
// generator is a single-file executable.
#pragma once

#include <httplib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "storage/ClickHouseClient.h"
#include "storage/SqlLiteral.h"

namespace infrasage::bench {

using Clock = std::chrono::steady_clock;

// utime + stime of a process (all its threads) from /proc/PID/stat, in seconds.
inline double processCpuSeconds(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) {
        throw std::runtime_error("cannot read /proc/" + std::to_string(pid) + "/stat");
    }
    // Fields after the command name (which may contain spaces) start at state = field 3.
    std::istringstream rest(line.substr(line.rfind(')') + 2));
    std::string field;
    uint64_t utime = 0;
    uint64_t stime = 0;
    for (int index = 3; rest >> field; ++index) {
        if (index == 14) {
            utime = std::stoull(field);
        } else if (index == 15) {
            stime = std::stoull(field);
            break;
        }
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// CPU this load generator spent (it shares the cores with the processes it measures).
inline double ownCpuSeconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Peak resident set size (VmHWM) in MiB; 0 when the process is gone.
inline double processPeakRssMb(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmHWM:", 0) == 0) {
            return static_cast<double>(std::stoull(line.substr(6))) / 1024.0;
        }
    }
    return 0;
}

// `sorted` must be sorted ascending.
inline double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) {
        return 0;
    }
    const auto rank = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(rank, sorted.size() - 1)];
}

// What the senders saw: every attempt's latency, overload answers retried, requests that failed
// for good, and the description of the first failure (later ones are only counted).
struct SendTally {
    std::vector<double> latencies_ms;
    std::size_t requests = 0;
    std::size_t retries = 0;
    std::size_t errors = 0;
    std::string first_error;

    void fail(const httplib::Result& res) {
        ++errors;
        if (first_error.empty()) {
            first_error =
                res ? "HTTP " + std::to_string(res->status) + ": " + res->body.substr(0, 300)
                    : httplib::to_string(res.error());
        }
    }

    void merge(const SendTally& other) {
        latencies_ms.insert(latencies_ms.end(), other.latencies_ms.begin(),
                            other.latencies_ms.end());
        requests += other.requests;
        retries += other.retries;
        errors += other.errors;
        if (first_error.empty()) {
            first_error = other.first_error;
        }
    }
};

// POSTs `body` until the answer is neither 429 nor 503 — at most 100 attempts, 20 ms apart, as a
// sender backs off — recording every attempt in `tally`; returns the last answer.
inline httplib::Result postWithRetry(httplib::Client& client, const std::string& path,
                                     const httplib::Headers& headers, const std::string& body,
                                     const char* content_type, SendTally& tally) {
    constexpr int kMaxAttempts = 100;
    for (int attempt = 1;; ++attempt) {
        const auto started = Clock::now();
        auto res = client.Post(path, headers, body.data(), body.size(), content_type);
        const std::chrono::duration<double, std::milli> took = Clock::now() - started;
        tally.latencies_ms.push_back(took.count());
        ++tally.requests;
        if (res && (res->status == 429 || res->status == 503) && attempt < kMaxAttempts) {
            ++tally.retries;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            continue;
        }
        return res;
    }
}

inline std::string readFileTrimmed(const std::string& path) {
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
        text.pop_back();
    }
    return text;
}

// --clickhouse-* options (defaults from the environment scripts/clickhouse.sh env prints).
struct ClickHouseArgs {
    std::string url;
    std::string user;
    std::string password_file;
    std::string database;

    void addTo(CLI::App& app) {
        app.add_option("--clickhouse-url", url)->envname("CLICKHOUSE_URL");
        app.add_option("--clickhouse-user", user)->envname("CLICKHOUSE_USER");
        app.add_option("--clickhouse-password-file", password_file)
            ->envname("CLICKHOUSE_PASSWORD_FILE");
        app.add_option("--clickhouse-database", database)->envname("CLICKHOUSE_DATABASE");
    }
    bool complete() const { return !url.empty() && !database.empty(); }
    storage::ClickHouseOptions options() const {
        storage::ClickHouseOptions ch;
        ch.url = url;
        ch.user = user;
        ch.password = readFileTrimmed(password_file);
        ch.database = database;
        return ch;
    }
};

// Polls count() of `table` until `expected` rows are visible; returns the instant they were.
inline Clock::time_point waitRowCount(storage::ClickHouseClient& client, std::string_view table,
                                      std::size_t expected, double timeout_s) {
    const auto deadline =
        Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
    const std::string sql = "SELECT count() FROM " + storage::quoteIdentifier(table);
    std::size_t seen = 0;
    while (Clock::now() < deadline) {
        seen = std::stoull(client.query(sql));
        if (seen >= expected) {
            return Clock::now();
        }
        // Short enough to add little to the measured time, cheap for ClickHouse (count() of a
        // MergeTree reads part metadata only).
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("only " + std::to_string(seen) + " of " + std::to_string(expected) +
                             " rows visible in " + std::string(table) + " after " +
                             std::to_string(timeout_s) + " s");
}

}  // namespace infrasage::bench
