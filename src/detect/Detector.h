// detect/Detector: the interface of an online univariate detector. A detector sees each point
// once, in order, never looks ahead, keeps fixed-size state per series and allocates nothing
// per point; one instance belongs to one series.
#pragma once

#include <cstddef>
#include <string_view>

#include "detect/DetectorOutput.h"
#include "detect/Point.h"

namespace infrasage::detect {

class Detector {
  public:
    virtual ~Detector() = default;
    // Judges the point against the state built from the points before it, then learns from it.
    // Non-finite values are neither judged nor learned: the output is all zeros.
    virtual DetectorOutput update(const Point& point) = 0;
    // Bytes of state this series holds (the object plus buffers it owns).
    virtual size_t memoryBytes() const = 0;
    virtual std::string_view name() const = 0;
};

}  // namespace infrasage::detect
