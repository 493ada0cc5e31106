// Test support: runs the real `infrasage serve` binary as a child process on a free port with its
// own data directory and environment, waits until it answers /healthz, and stops or kills it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>

namespace infrasage::testing {

class ServerProcess {
  public:
    // `env` is added to (and overrides) the test process's environment.
    ServerProcess(std::filesystem::path data_dir, std::map<std::string, std::string> env);
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    // Starts the server and waits for /healthz (throws on timeout or early exit).
    void start(std::chrono::seconds timeout = std::chrono::seconds(30));
    // SIGTERM and wait; returns the exit status (or -1 if it had to be killed).
    int stop(std::chrono::seconds timeout = std::chrono::seconds(30));
    // SIGKILL and reap.
    void kill();
    bool running();

    uint16_t port() const { return port_; }
    std::string baseUrl() const;
    const std::filesystem::path& dataDir() const { return data_dir_; }
    std::filesystem::path logFile() const { return data_dir_ / "server.log"; }
    std::string logs() const;
    void setEnv(const std::string& key, const std::string& value) { env_[key] = value; }
    // For a server that requires client certificates (mTLS): what the health probe presents.
    void setProbeClientCertificate(std::string cert, std::string key) {
        probe_cert_ = std::move(cert);
        probe_key_ = std::move(key);
    }

    static uint16_t freePort();
    // Path of build/infrasage (INFRASAGE_BINARY, set by CTest).
    static std::string binary();

  private:
    bool healthy() const;

    std::filesystem::path data_dir_;
    std::map<std::string, std::string> env_;
    uint16_t port_ = 0;
    pid_t pid_ = -1;
    bool tls_ = false;
    std::string probe_cert_;
    std::string probe_key_;
};

}  // namespace infrasage::testing
