#include "SecurityServer.h"

#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/TestEnv.h"

namespace infrasage::testing::security {

namespace {

std::string shellQuote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

// Runs `command` through the shell; returns the exit status and what it wrote to stdout.
int capture(const std::string& command, std::string& out) {
    FILE* p = ::popen(command.c_str(), "r");
    if (p == nullptr) {
        throw std::runtime_error("popen failed: " + command);
    }
    char buf[4096];
    while (auto n = std::fread(buf, 1, sizeof buf, p)) {
        out.append(buf, n);
    }
    const int status = ::pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) {
        s.pop_back();
    }
    return s;
}

std::filesystem::path writeTemp(const std::string& prefix, const std::string& content) {
    auto path = makeTempDir(prefix) / "data";
    std::ofstream(path, std::ios::binary) << content;
    return path;
}

}  // namespace

std::string Reply::header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
}

nlohmann::json Reply::json() const {
    return nlohmann::json::parse(body, nullptr, false);
}

Headers bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
}

Headers apiKeyHeader(const std::string& secret) {
    return {{"X-API-Key", secret}};
}

std::string randomToken(std::size_t n) {
    static constexpr char kAlphabet[] =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::uniform_int_distribution<std::size_t> pick(0, sizeof kAlphabet - 2);
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        s += kAlphabet[pick(rng)];
    }
    return s;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string runShell(const std::string& command) {
    std::string out;
    if (capture(command, out) != 0) {
        throw std::runtime_error("command failed: " + command + "\n" + out);
    }
    return out;
}

std::string runPython(const std::string& script, const std::string& input) {
    auto script_file = writeTemp("py-script", script);
    auto input_file = writeTemp("py-input", input);
    auto error_file = input_file.parent_path() / "stderr";
    std::string out;
    const int rc = capture("/usr/bin/python3 " + script_file.string() + " < " +
                               input_file.string() + " 2> " + error_file.string(),
                           out);
    if (rc != 0) {
        throw std::runtime_error("python failed: " + readFile(error_file.string()));
    }
    return out;
}

SecurityServer::SecurityServer(const std::string& name, std::map<std::string, std::string> env) {
    const std::string db = "sec_" + name;
    env_ = {{"INFRASAGE_ENV", "development"},
            {"CLICKHOUSE_DATABASE", db},
            {"INFRASAGE_FLUSH_INTERVAL_MS", "200"},
            {"INFRASAGE_LOG_LEVEL", "info"},
            {"JWT_SECRET", "jwt-" + randomToken(44)},
            {"INFRASAGE_API_KEY_PEPPER", "pep-" + randomToken(44)}};
    for (auto& [k, v] : env) {
        env_[k] = v;
    }
    database_ = std::make_unique<ScratchDatabase>(db);
    process_ = std::make_unique<ServerProcess>(makeTempDir(db) / "server", env_);
}

SecurityServer::~SecurityServer() {
    if (process_ && process_->running()) {
        process_->stop();
    }
}

void SecurityServer::start() {
    process_->start();
}

int SecurityServer::stop() {
    return process_->stop();
}

int SecurityServer::runAdmin(const std::string& args, const std::string& stdin_text,
                             std::string& out, std::string& err) const {
    auto input = writeTemp("admin-stdin", stdin_text);
    auto errors = input.parent_path() / "stderr";
    std::string command = "env";
    for (const auto& [k, v] : env_) {
        command += " " + k + "=" + shellQuote(v);
    }
    command += " INFRASAGE_DATA_DIR=" + shellQuote(process_->dataDir().string()) + " " +
               ServerProcess::binary() + " admin " + args + " < " + input.string() + " 2> " +
               errors.string();
    const int rc = capture(command, out);
    err = readFile(errors.string());
    return rc;
}

int SecurityServer::adminStatus(const std::string& args, const std::string& stdin_text,
                                std::string& output) const {
    std::string err;
    const int rc = runAdmin(args, stdin_text, output, err);
    output += err;
    return rc;
}

std::string SecurityServer::admin(const std::string& args, const std::string& stdin_text) const {
    std::string out;
    std::string err;
    if (runAdmin(args, stdin_text, out, err) != 0) {
        throw std::runtime_error("admin " + args + " failed: " + out + err);
    }
    return out;
}

void SecurityServer::createTenant(const std::string& tenant, const std::string& extra) const {
    admin("tenant create --tenant " + tenant + " " + extra);
}

std::string SecurityServer::createUser(const std::string& tenant, const std::string& email,
                                       const std::string& role, const std::string& password) const {
    auto out = admin("user create --tenant " + tenant + " --email " + email + " --role " + role +
                         " --password-file -",
                     password);
    // "created <role> <email> (usr_…)"
    auto open = out.rfind('(');
    auto close = out.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open) {
        throw std::runtime_error("unexpected output of user create: " + out);
    }
    return out.substr(open + 1, close - open - 1);
}

CreatedKey SecurityServer::createKey(const std::string& tenant, const std::string& scope,
                                     const std::string& extra) const {
    auto out = trim(admin("apikey create --tenant " + tenant + " --name sec-" + scope +
                          " --scope " + scope + " " + extra));
    // "key_id <id> scope <scope> (…)\n<secret>"
    CreatedKey key;
    key.secret = out.substr(out.rfind('\n') + 1);
    std::istringstream first(out.substr(0, out.find('\n')));
    std::string word;
    first >> word >> key.id;
    if (word != "key_id" || key.id.rfind("isage_key_", 0) != 0) {
        throw std::runtime_error("unexpected output of apikey create: " + out);
    }
    return key;
}

Reply SecurityServer::call(const std::string& method, const std::string& path,
                           const Headers& headers, const std::string& body) const {
    httplib::Client c("127.0.0.1", process_->port());
    c.set_read_timeout(30, 0);
    c.set_write_timeout(30, 0);
    auto r = [&]() -> httplib::Result {
        if (method == "GET") return c.Get(path, headers);
        if (method == "DELETE") return c.Delete(path, headers, body, "application/json");
        if (method == "POST") return c.Post(path, headers, body, "application/json");
        if (method == "PATCH") return c.Patch(path, headers, body, "application/json");
        if (method == "PUT") return c.Put(path, headers, body, "application/json");
        throw std::invalid_argument("method " + method);
    }();
    Reply reply;
    if (!r) {
        reply.body = "no answer: " + httplib::to_string(r.error());
        return reply;
    }
    reply.status = r->status;
    reply.body = r->body;
    reply.headers = r->headers;
    return reply;
}

Reply SecurityServer::login(const std::string& email, const std::string& password) const {
    return post("/api/v1/auth/login",
                nlohmann::json{{"email", email}, {"password", password}}.dump());
}

std::string SecurityServer::accessToken(const std::string& email,
                                        const std::string& password) const {
    auto r = login(email, password);
    if (r.status != 200) {
        throw std::runtime_error("login of " + email + " failed: " + std::to_string(r.status) +
                                 " " + r.body);
    }
    return r.json().at("access_token").get<std::string>();
}

std::string SecurityServer::query(const std::string& sql) const {
    return database_->client().query(sql);
}

std::string SecurityServer::waitForQuery(const std::string& sql, const std::string& expected,
                                         int timeout_seconds) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    std::string last;
    while (true) {
        try {
            last = trim(query(sql));
        } catch (const std::exception& e) {
            last = e.what();  // the table may not exist yet
        }
        if (last == expected || std::chrono::steady_clock::now() > deadline) {
            return last;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

}  // namespace infrasage::testing::security
