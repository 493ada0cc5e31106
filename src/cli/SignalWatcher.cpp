#include "cli/SignalWatcher.h"

#include <csignal>
#include <ctime>

namespace infrasage::cli {

namespace {

sigset_t shutdownSignals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

}  // namespace

SignalWatcher::SignalWatcher() {
    auto set = shutdownSignals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not kill the server
}

SignalWatcher::~SignalWatcher() {
    stopping_ = true;
    if (thread_.joinable()) {
        thread_.join();
    }
}

void SignalWatcher::start(std::function<void(int)> on_signal) {
    thread_ = std::thread([this, on_signal = std::move(on_signal)] {
        auto set = shutdownSignals();
        timespec tick{0, 200'000'000};
        while (!stopping_) {
            int sig = sigtimedwait(&set, nullptr, &tick);
            if (sig > 0) {
                on_signal(sig);
            }
        }
    });
}

}  // namespace infrasage::cli
