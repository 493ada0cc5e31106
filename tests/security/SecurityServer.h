// Security-test support: one real `infrasage serve` process shared by a whole test suite (its own
// scratch ClickHouse database, data directory and fixed secrets), the admin CLI run against its
// data directory, and plain HTTP calls that return status, body and headers. Helpers create
// tenants, users (returning their ids) and API keys (returning id and secret) the way an operator
// would: through `infrasage admin`, with every secret on stdin.
#pragma once

#include <httplib.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "support/ClickHouseTestEnv.h"
#include "support/ServerProcess.h"

namespace infrasage::testing::security {

using Headers = httplib::Headers;

struct Reply {
    int status = -1;  // -1: no HTTP answer (connection error)
    std::string body;
    Headers headers;

    std::string header(const std::string& name) const;
    nlohmann::json json() const;  // discarded value when the body is not JSON
};

struct CreatedKey {
    std::string id;      // isage_key_…
    std::string secret;  // isage_…
};

Headers bearer(const std::string& token);
Headers apiKeyHeader(const std::string& secret);

class SecurityServer {
  public:
    // `name` names the scratch database (sec_<name>); `env` overrides
    // the server environment (JWT_SECRET and INFRASAGE_API_KEY_PEPPER are fixed by default).
    explicit SecurityServer(const std::string& name, std::map<std::string, std::string> env = {});
    ~SecurityServer();
    SecurityServer(const SecurityServer&) = delete;
    SecurityServer& operator=(const SecurityServer&) = delete;

    void start();
    int stop();
    ServerProcess& process() { return *process_; }
    const std::string& database() const { return database_->name(); }
    const std::string& jwtSecret() const { return env_.at("JWT_SECRET"); }
    const std::string& apiKeyPepper() const { return env_.at("INFRASAGE_API_KEY_PEPPER"); }

    // `infrasage admin ARGS` with the server's environment; throws with the output on failure.
    std::string admin(const std::string& args, const std::string& stdin_text = "") const;
    // Same, returning the exit status and filling `output` (stdout and stderr).
    int adminStatus(const std::string& args, const std::string& stdin_text,
                    std::string& output) const;

    void createTenant(const std::string& tenant, const std::string& extra = "--rps-quota 0") const;
    // Creates a user through the CLI and returns its id (usr_…).
    std::string createUser(const std::string& tenant, const std::string& email,
                           const std::string& role, const std::string& password) const;
    CreatedKey createKey(const std::string& tenant, const std::string& scope,
                         const std::string& extra = "") const;

    Reply call(const std::string& method, const std::string& path, const Headers& headers = {},
               const std::string& body = "") const;
    Reply get(const std::string& path, const Headers& headers = {}) const {
        return call("GET", path, headers);
    }
    Reply post(const std::string& path, const std::string& body,
               const Headers& headers = {}) const {
        return call("POST", path, headers, body);
    }
    Reply login(const std::string& email, const std::string& password) const;
    // The access token of a successful login; throws otherwise.
    std::string accessToken(const std::string& email, const std::string& password) const;

    // A query on the scratch database (TabSeparated unless the SQL says otherwise).
    std::string query(const std::string& sql) const;
    // Polls `sql` until it returns `expected` (trimmed) or `timeout` passes; returns the last
    // value.
    std::string waitForQuery(const std::string& sql, const std::string& expected,
                             int timeout_seconds = 30) const;

  private:
    int runAdmin(const std::string& args, const std::string& stdin_text, std::string& out,
                 std::string& err) const;

    std::map<std::string, std::string> env_;
    std::unique_ptr<ScratchDatabase> database_;
    std::unique_ptr<ServerProcess> process_;
};

// Runs /usr/bin/python3 (Debian's, which has python3-jwt) with `script`, feeding `input` on stdin;
// returns stdout. Throws with stderr on a non-zero exit.
std::string runPython(const std::string& script, const std::string& input);

// Runs a shell command; returns stdout; throws on a non-zero exit.
std::string runShell(const std::string& command);

// A random string of base62 characters, for unique names and secrets.
std::string randomToken(std::size_t n);

// The whole content of a file ("" when it cannot be read).
std::string readFile(const std::string& path);

}  // namespace infrasage::testing::security
