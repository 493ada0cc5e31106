#include "storage/RetentionScheduler.h"

#include <exception>

#include "observability/Log.h"

namespace infrasage::storage {

RetentionScheduler::RetentionScheduler(std::function<void()> run,
                                       std::chrono::milliseconds interval)
    : run_(std::move(run)), interval_(interval) {}

RetentionScheduler::~RetentionScheduler() {
    stop();
}

void RetentionScheduler::start() {
    std::lock_guard lock(mutex_);
    if (thread_.joinable()) {
        return;
    }
    stopping_ = false;
    thread_ = std::thread([this] { loop(); });
}

void RetentionScheduler::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
}

uint64_t RetentionScheduler::completedRuns() const {
    std::lock_guard lock(mutex_);
    return completed_runs_;
}

bool RetentionScheduler::waitForRuns(uint64_t runs, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return completed_runs_ >= runs; });
}

void RetentionScheduler::loop() {
    while (true) {
        try {
            run_();
        } catch (const std::exception& error) {
            observability::logError("retention run failed", {{"error", error.what()}});
        }
        std::unique_lock lock(mutex_);
        ++completed_runs_;
        changed_.notify_all();
        if (changed_.wait_for(lock, interval_, [this] { return stopping_; })) {
            return;
        }
    }
}

}  // namespace infrasage::storage
