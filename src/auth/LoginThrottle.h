// auth/LoginThrottle: brute-force protection for password login, per account and per client IP.
// Defends against online password guessing against one account (locked after a few failures in
// a window) and against one client spraying many accounts (per-IP limit), with bounded memory so
// that a flood of distinct emails or addresses cannot exhaust the server. State is per process.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace infrasage::auth {

struct LoginThrottleSettings {
    int account_failures = 5;      // failures per account within window_seconds before a lockout
    int ip_failures = 30;          // failures per client IP within window_seconds
    int64_t window_seconds = 900;  // failures older than this are forgotten
    int64_t lockout_seconds = 300;
    std::size_t max_tracked = 100000;  // per map (accounts, IPs); least recently used evicted
};

class LoginThrottle {
  public:
    explicit LoginThrottle(LoginThrottleSettings settings = {});

    // Seconds until the account (email, case-insensitive) or the IP may try again; nullopt when
    // neither is locked. Check this before verifying the password.
    std::optional<int64_t> retryAfter(std::string_view email, std::string_view ip,
                                      int64_t now) const;

    // A failed login (wrong password or unknown account). Failures while locked are not counted.
    void recordFailure(std::string_view email, std::string_view ip, int64_t now);

    // A successful login clears the account's failures. The IP's failures stay: otherwise an
    // attacker could reset their IP budget by logging in to an account of their own.
    void recordSuccess(std::string_view email, std::string_view ip);

    std::size_t trackedAccounts() const;
    std::size_t trackedIps() const;

  private:
    struct Entry {
        int64_t window_start = 0;
        int failures = 0;
        int64_t locked_until = 0;
        std::list<std::string>::iterator lru;
    };

    // One key space (accounts or IPs) with least-recently-used eviction.
    struct Table {
        std::unordered_map<std::string, Entry> entries;
        std::list<std::string> lru;  // front = least recently touched
    };

    static std::optional<int64_t> lockRemaining(const Table& table, const std::string& key,
                                                int64_t now);
    void fail(Table& table, const std::string& key, int threshold, int64_t now);

    LoginThrottleSettings settings_;
    mutable std::mutex mutex_;
    Table accounts_;
    Table ips_;
};

}  // namespace infrasage::auth
