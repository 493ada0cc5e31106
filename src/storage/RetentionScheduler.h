// storage/RetentionScheduler: runs the retention job on its own thread, once at start and then
// every interval, until stopped. A failed run is logged and retried at the next interval.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace infrasage::storage {

class RetentionScheduler {
  public:
    // `run` is typically [&job] { job.runOnce(); }.
    RetentionScheduler(std::function<void()> run, std::chrono::milliseconds interval);
    ~RetentionScheduler();
    RetentionScheduler(const RetentionScheduler&) = delete;
    RetentionScheduler& operator=(const RetentionScheduler&) = delete;

    void start();
    // Wakes the thread and joins it; a run in progress finishes first. Idempotent.
    void stop();

    // Runs finished so far, failed ones included.
    uint64_t completedRuns() const;
    // Blocks until at least `runs` runs have finished or `timeout` passes; true if they have.
    bool waitForRuns(uint64_t runs, std::chrono::milliseconds timeout) const;

  private:
    void loop();

    std::function<void()> run_;
    std::chrono::milliseconds interval_;
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    bool stopping_ = false;
    uint64_t completed_runs_ = 0;
    std::thread thread_;
};

}  // namespace infrasage::storage
