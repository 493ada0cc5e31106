// detect/RingBuffer: the fixed-capacity window of recent values a detector keeps per series.
// Storage is allocated once at construction; push() never allocates.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "detect/StateCodec.h"

namespace infrasage::detect {

class RingBuffer {
  public:
    explicit RingBuffer(size_t capacity);

    // Appends a value; returns the value it evicted once the buffer is full.
    std::optional<double> push(double value);

    size_t size() const { return size_; }
    size_t capacity() const { return values_.size(); }
    bool full() const { return size_ == values_.size(); }
    // The held values in storage order (not arrival order): enough for order-free statistics.
    std::span<const double> values() const { return {values_.data(), size_}; }
    size_t memoryBytes() const { return values_.capacity() * sizeof(double); }

    // The held values and position; load() requires the same capacity.
    void save(StateWriter& out) const;
    void load(StateReader& in);

  private:
    std::vector<double> values_;
    size_t next_ = 0;
    size_t size_ = 0;
};

}  // namespace infrasage::detect
