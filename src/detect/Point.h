// detect/Point: one observation of a series as the detectors see it, in arrival order.
#pragma once

#include <cstdint>

namespace infrasage::detect {

struct Point {
    int64_t timestamp = 0;  // Unix seconds.
    double value = 0.0;
};

}  // namespace infrasage::detect
