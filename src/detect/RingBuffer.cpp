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

void RingBuffer::save(StateWriter& out) const {
    out.header(state_tag::kRingBuffer, 1);
    out.u64(values_.size());
    out.u64(next_);
    out.u64(size_);
    for (const double v : values_) {
        out.f64(v);
    }
}

void RingBuffer::load(StateReader& in) {
    in.expectHeader(state_tag::kRingBuffer, 1);
    if (in.u64() != values_.size()) {
        throw StateCodecError("ring buffer state has another capacity");
    }
    const uint64_t next = in.u64();
    const uint64_t size = in.u64();
    if (next >= values_.size() || size > values_.size()) {
        throw StateCodecError("ring buffer state is inconsistent");
    }
    next_ = next;
    size_ = size;
    for (double& v : values_) {
        v = in.f64();
    }
}

}  // namespace infrasage::detect
