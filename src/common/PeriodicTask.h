// common/PeriodicTask: runs a job on its own thread, once at start and then every interval, until
// stopped (retention, API-key usage flushes, the audit outbox). A failed run is logged and retried
// at the next interval.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace infrasage {

class PeriodicTask {
  public:
    // `run` is typically [&job] { job.runOnce(); }.
    using ErrorHandler = std::function<void(const std::exception&)>;
    // `on_error` hears about a failed run (the task keeps going); common cannot log by itself.
    PeriodicTask(std::function<void()> run, std::chrono::milliseconds interval,
                 ErrorHandler on_error = {});
    ~PeriodicTask();
    PeriodicTask(const PeriodicTask&) = delete;
    PeriodicTask& operator=(const PeriodicTask&) = delete;

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
    ErrorHandler on_error_;
    std::chrono::milliseconds interval_;
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    bool stopping_ = false;
    uint64_t completed_runs_ = 0;
    std::thread thread_;
};

}  // namespace infrasage
