#include "detect/RingBuffer.h"

#include <stdexcept>

namespace infrasage::detect {

RingBuffer::RingBuffer(size_t capacity) : values_(capacity, 0.0) {
    if (capacity == 0) {
        throw std::invalid_argument("RingBuffer capacity must be positive");
    }
}

std::optional<double> RingBuffer::push(double value) {
    std::optional<double> evicted;
    if (full()) {
        evicted = values_[next_];
    } else {
        ++size_;
    }
    values_[next_] = value;
    next_ = (next_ + 1) % values_.size();
    return evicted;
}

}  // namespace infrasage::detect
