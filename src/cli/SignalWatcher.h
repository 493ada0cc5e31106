// cli/SignalWatcher: turns SIGINT/SIGTERM into a callback on an ordinary thread. The signals are
// blocked in every thread (the mask is inherited), so no handler runs in async-signal context.
#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace infrasage::cli {

class SignalWatcher {
  public:
    // Must be constructed before any other thread starts, so that they inherit the mask.
    SignalWatcher();
    ~SignalWatcher();
    SignalWatcher(const SignalWatcher&) = delete;
    SignalWatcher& operator=(const SignalWatcher&) = delete;

    void start(std::function<void(int signal)> on_signal);

  private:
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace infrasage::cli
