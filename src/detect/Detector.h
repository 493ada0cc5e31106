// detect/Detector: the interface of an online univariate detector. A detector sees each point
// once, in order, never looks ahead, keeps fixed-size state per series and allocates nothing
// per point; one instance belongs to one series.
#pragma once

#include <cstddef>
#include <string_view>

#include "detect/DetectorOutput.h"
#include "detect/Point.h"
#include "detect/StateCodec.h"

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
    // Checkpointing: save() writes everything update() depends on (not the options, which come
    // from configuration); load() into a detector built with the same options restores it
    // exactly, so a restarted Watchdog continues where it stopped. load() throws StateCodecError
    // on a damaged or foreign state and then leaves the detector unusable.
    virtual void save(StateWriter& out) const = 0;
    virtual void load(StateReader& in) = 0;
};

}  // namespace infrasage::detect
