#include "support/ServerProcess.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/TestEnv.h"

extern char** environ;

namespace infrasage::testing {

ServerProcess::ServerProcess(std::filesystem::path data_dir, std::map<std::string, std::string> env)
    : data_dir_(std::move(data_dir)), env_(std::move(env)) {
    std::filesystem::create_directories(data_dir_);
}

ServerProcess::~ServerProcess() {
    if (pid_ > 0) {
        kill();
    }
}

uint16_t ServerProcess::freePort() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

std::string ServerProcess::binary() {
    return envOr("INFRASAGE_BINARY", INFRASAGE_TEST_BINARY);
}

std::string ServerProcess::baseUrl() const {
    return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

void ServerProcess::start(std::chrono::seconds timeout) {
    if (port_ == 0) {
        port_ = freePort();
    }
    tls_ = env_.count("GATEWAY_TLS_ENABLED") && env_["GATEWAY_TLS_ENABLED"] == "true";
    std::map<std::string, std::string> merged;
    for (char** e = environ; *e != nullptr; ++e) {
        std::string kv(*e);
        auto eq = kv.find('=');
        if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    merged["INFRASAGE_LISTEN"] = "127.0.0.1:" + std::to_string(port_);
    merged["INFRASAGE_DATA_DIR"] = data_dir_.string();
    for (const auto& [k, v] : env_) merged[k] = v;

    std::vector<std::string> env_strings;
    for (const auto& [k, v] : merged) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);

    std::string bin = binary();
    std::string serve = "serve";
    char* argv[] = {bin.data(), serve.data(), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    auto log = logFile().string();
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    int rc = posix_spawn(&pid_, bin.c_str(), &actions, nullptr, argv, envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        pid_ = -1;
        throw std::runtime_error("cannot spawn " + bin);
    }
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!running()) {
            throw std::runtime_error("server exited during start; log:\n" + logs());
        }
        if (healthy()) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("server did not become healthy; log:\n" + logs());
}

bool ServerProcess::healthy() const {
    std::string cert = probe_cert_.empty() ? "" : " --cert " + probe_cert_ + " --key " + probe_key_;
    std::string cmd = "curl -s -o /dev/null -w '%{http_code}' --max-time 2 -k" + cert + " " +
                      baseUrl() + "/healthz 2>/dev/null";
    FILE* p = ::popen(cmd.c_str(), "r");
    if (p == nullptr) return false;
    char buf[8] = {0};
    auto n = fread(buf, 1, sizeof buf - 1, p);
    ::pclose(p);
    return n >= 3 && std::string(buf, 3) == "200";
}

bool ServerProcess::running() {
    if (pid_ <= 0) return false;
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
        pid_ = -1;
        return false;
    }
    return true;
}

int ServerProcess::stop(std::chrono::seconds timeout) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            pid_ = -1;
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill();
    return -1;
}

void ServerProcess::kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

std::string ServerProcess::logs() const {
    std::ifstream in(logFile());
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace infrasage::testing
