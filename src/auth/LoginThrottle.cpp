#include "auth/LoginThrottle.h"

#include <algorithm>
#include <stdexcept>

#include "auth/SecretRandom.h"

namespace infrasage::auth {

namespace {

// Longer keys are hashed so a megabyte-long "email" costs 64 bytes, not a megabyte.
constexpr std::size_t kMaxKeyBytes = 320;

std::string boundedKey(std::string_view key) {
    return key.size() <= kMaxKeyBytes ? std::string(key) : "sha256:" + sha256Hex(key);
}

std::string accountKey(std::string_view email) {
    std::string key(email);
    std::transform(key.begin(), key.end(), key.begin(), [](char c) {
        return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return boundedKey(key);
}

std::string ipKey(std::string_view ip) {
    return boundedKey(std::string(ip));
}

}  // namespace

LoginThrottle::LoginThrottle(LoginThrottleSettings settings) : settings_(settings) {
    if (settings_.account_failures < 1 || settings_.ip_failures < 1 ||
        settings_.window_seconds < 1 || settings_.lockout_seconds < 1 ||
        settings_.max_tracked < 1) {
        throw std::invalid_argument("login throttle limits must be positive");
    }
}

std::optional<int64_t> LoginThrottle::lockRemaining(const Table& table, const std::string& key,
                                                    int64_t now) {
    const auto it = table.entries.find(key);
    if (it == table.entries.end() || it->second.locked_until <= now) {
        return std::nullopt;
    }
    return it->second.locked_until - now;
}

std::optional<int64_t> LoginThrottle::retryAfter(std::string_view email, std::string_view ip,
                                                 int64_t now) const {
    const std::string account = accountKey(email);
    const std::string address = ipKey(ip);
    const std::lock_guard lock(mutex_);
    const auto by_account = lockRemaining(accounts_, account, now);
    const auto by_ip = lockRemaining(ips_, address, now);
    if (by_account && by_ip) {
        return std::max(*by_account, *by_ip);
    }
    return by_account ? by_account : by_ip;
}

void LoginThrottle::fail(Table& table, const std::string& key, int threshold, int64_t now) {
    auto [it, inserted] = table.entries.try_emplace(key);
    Entry& entry = it->second;
    if (inserted) {
        entry.lru = table.lru.insert(table.lru.end(), key);
        entry.window_start = now;
    } else {
        table.lru.splice(table.lru.end(), table.lru, entry.lru);
    }
    if (entry.locked_until > now) {
        return;  // the caller should not have tried; a lockout is not extended by its own retries
    }
    if (now - entry.window_start >= settings_.window_seconds || now < entry.window_start) {
        entry.window_start = now;
        entry.failures = 0;
    }
    if (++entry.failures >= threshold) {
        entry.locked_until = now + settings_.lockout_seconds;
        entry.failures = 0;  // after the lockout, a fresh budget within a fresh window
        entry.window_start = entry.locked_until;
    }
    while (table.entries.size() > settings_.max_tracked) {
        table.entries.erase(table.lru.front());
        table.lru.pop_front();
    }
}

void LoginThrottle::recordFailure(std::string_view email, std::string_view ip, int64_t now) {
    const std::string account = accountKey(email);
    const std::string address = ipKey(ip);
    const std::lock_guard lock(mutex_);
    fail(accounts_, account, settings_.account_failures, now);
    fail(ips_, address, settings_.ip_failures, now);
}

void LoginThrottle::recordSuccess(std::string_view email, std::string_view /*ip*/) {
    const std::string account = accountKey(email);
    const std::lock_guard lock(mutex_);
    const auto it = accounts_.entries.find(account);
    if (it != accounts_.entries.end()) {
        accounts_.lru.erase(it->second.lru);
        accounts_.entries.erase(it);
    }
}

std::size_t LoginThrottle::trackedAccounts() const {
    const std::lock_guard lock(mutex_);
    return accounts_.entries.size();
}

std::size_t LoginThrottle::trackedIps() const {
    const std::lock_guard lock(mutex_);
    return ips_.entries.size();
}

}  // namespace infrasage::auth
