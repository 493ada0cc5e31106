// auth/IdentityCache: a short-lived copy of the control-store rows that authentication reads on
// every request (API keys by hash, users by email, tenants by id). Entries live at most `ttl`,
// which is the bound on how long a revocation, a disabled user or a suspended tenant takes to reach
// other replicas; on the node that made the change, invalidate() makes it immediate.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace infrasage::auth {

template <typename Value>
class IdentityCache {
  public:
    explicit IdentityCache(std::chrono::milliseconds ttl, std::size_t max_entries = 100000)
        : ttl_(ttl), max_entries_(max_entries) {}

    // The cached value for `key`, or what `load` returns (cached too, including "absent").
    std::optional<Value> get(const std::string& key,
                             const std::function<std::optional<Value>()>& load) {
        auto now = std::chrono::steady_clock::now();
        {
            std::lock_guard lock(mutex_);
            auto it = entries_.find(key);
            if (it != entries_.end() && now - it->second.loaded_at < ttl_) {
                return it->second.value;
            }
        }
        auto value = load();
        std::lock_guard lock(mutex_);
        if (entries_.size() >= max_entries_) {
            entries_.clear();  // crude but bounded; a flood of unknown keys must not grow memory
        }
        entries_[key] = Entry{value, now};
        return value;
    }

    void invalidateAll() {
        std::lock_guard lock(mutex_);
        entries_.clear();
    }

  private:
    struct Entry {
        std::optional<Value> value;
        std::chrono::steady_clock::time_point loaded_at;
    };
    std::chrono::milliseconds ttl_;
    std::size_t max_entries_;
    std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace infrasage::auth
