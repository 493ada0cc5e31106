// common/Clock: injectable wall clock so that time rules (24-hour window, flush deadlines,
// retention) are testable without sleeping.
#pragma once

#include <chrono>
#include <cstdint>

namespace infrasage {

class Clock {
  public:
    virtual ~Clock() = default;
    // Nanoseconds since the Unix epoch.
    virtual int64_t nowNanos() const = 0;
};

class SystemClock final : public Clock {
  public:
    int64_t nowNanos() const override;
    static const SystemClock& instance();
};

class ManualClock final : public Clock {
  public:
    explicit ManualClock(int64_t now_nanos) : now_(now_nanos) {}
    int64_t nowNanos() const override { return now_; }
    void set(int64_t now_nanos) { now_ = now_nanos; }

  private:
    int64_t now_;
};

}  // namespace infrasage
