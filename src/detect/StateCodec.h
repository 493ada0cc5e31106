// detect/StateCodec: the byte format of detector checkpoints. A writer appends fixed-width
// little-endian fields to a string; a reader takes them back in the same order and throws
// StateCodecError on truncation or a wrong tag, so a damaged checkpoint is refused, never
// half-loaded. Each detector writes a one-byte tag and a one-byte version first.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace infrasage::detect {

class StateCodecError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class StateWriter {
  public:
    void u8(uint8_t value);
    void u64(uint64_t value);
    void i64(int64_t value);
    void f64(double value);
    void f32(float value);
    // A tag byte and a version byte that identify the detector whose state follows.
    void header(uint8_t tag, uint8_t version);

    const std::string& bytes() const { return bytes_; }
    std::string take() { return std::move(bytes_); }

  private:
    std::string bytes_;
};

class StateReader {
  public:
    explicit StateReader(std::string_view bytes) : bytes_(bytes) {}

    uint8_t u8();
    uint64_t u64();
    int64_t i64();
    double f64();
    float f32();
    // Reads a header and throws unless it is (tag, version).
    void expectHeader(uint8_t tag, uint8_t version);
    bool atEnd() const { return offset_ == bytes_.size(); }

  private:
    std::string_view take(size_t n);

    std::string_view bytes_;
    size_t offset_ = 0;
};

// Tags of the detectors that can be checkpointed; never reuse a value.
namespace state_tag {
inline constexpr uint8_t kRingBuffer = 1;
inline constexpr uint8_t kRollingZScore = 2;
inline constexpr uint8_t kRobustZScore = 3;
inline constexpr uint8_t kHoltSmoother = 4;
inline constexpr uint8_t kAnomalyFilter = 5;
inline constexpr uint8_t kEnsemble = 6;
inline constexpr uint8_t kSeasonalEnvelope = 7;
inline constexpr uint8_t kServiceForest = 8;
inline constexpr uint8_t kMultivariateFeatures = 9;
inline constexpr uint8_t kRangeNovelty = 10;
inline constexpr uint8_t kLocalRangeNovelty = 11;
inline constexpr uint8_t kFlatlineDetector = 12;
}  // namespace state_tag

}  // namespace infrasage::detect
