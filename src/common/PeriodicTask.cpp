#include "common/PeriodicTask.h"

#include <exception>

namespace infrasage {

PeriodicTask::PeriodicTask(std::function<void()> run, std::chrono::milliseconds interval,
                           ErrorHandler on_error)
    : run_(std::move(run)), on_error_(std::move(on_error)), interval_(interval) {}

PeriodicTask::~PeriodicTask() {
    stop();
}

void PeriodicTask::start() {
    std::lock_guard lock(mutex_);
    if (thread_.joinable()) {
        return;
    }
    stopping_ = false;
    thread_ = std::thread([this] { loop(); });
}

void PeriodicTask::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
}

uint64_t PeriodicTask::completedRuns() const {
    std::lock_guard lock(mutex_);
    return completed_runs_;
}

bool PeriodicTask::waitForRuns(uint64_t runs, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return completed_runs_ >= runs; });
}

void PeriodicTask::loop() {
    while (true) {
        try {
            run_();
        } catch (const std::exception& error) {
            if (on_error_) {
                on_error_(error);
            }
        }
        std::unique_lock lock(mutex_);
        ++completed_runs_;
        changed_.notify_all();
        if (changed_.wait_for(lock, interval_, [this] { return stopping_; })) {
            return;
        }
    }
}

}  // namespace infrasage
