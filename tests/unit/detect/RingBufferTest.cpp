#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "detect/RingBuffer.h"

namespace infrasage::detect {
namespace {

TEST(RingBufferTest, EvictsTheOldestOnceFull) {
    RingBuffer ring(3);
    EXPECT_FALSE(ring.push(1.0).has_value());
    EXPECT_FALSE(ring.push(2.0).has_value());
    EXPECT_FALSE(ring.full());
    EXPECT_FALSE(ring.push(3.0).has_value());
    EXPECT_TRUE(ring.full());
    EXPECT_EQ(ring.push(4.0), 1.0);
    EXPECT_EQ(ring.push(5.0), 2.0);
    EXPECT_EQ(ring.size(), 3u);
    std::vector<double> held(ring.values().begin(), ring.values().end());
    std::sort(held.begin(), held.end());
    EXPECT_EQ(held, (std::vector<double>{3.0, 4.0, 5.0}));
}

TEST(RingBufferTest, StorageIsFixedAtConstruction) {
    RingBuffer ring(8);
    const size_t bytes = ring.memoryBytes();
    EXPECT_EQ(bytes, 8 * sizeof(double));
    for (int i = 0; i < 100; ++i) ring.push(i);
    EXPECT_EQ(ring.memoryBytes(), bytes);
}

TEST(RingBufferTest, RejectsZeroCapacity) {
    EXPECT_THROW(RingBuffer(0), std::invalid_argument);
}

}  // namespace
}  // namespace infrasage::detect
