#include "detect/StateCodec.h"

#include <bit>
#include <cstring>

namespace infrasage::detect {

namespace {
static_assert(std::endian::native == std::endian::little,
              "checkpoints are written in the host's byte order, which must be little-endian");

template <typename T>
void append(std::string& out, T value) {
    char raw[sizeof(T)];
    std::memcpy(raw, &value, sizeof(T));
    out.append(raw, sizeof(T));
}

template <typename T>
T decode(std::string_view raw) {
    T value;
    std::memcpy(&value, raw.data(), sizeof(T));
    return value;
}
}  // namespace

void StateWriter::u8(uint8_t value) {
    append(bytes_, value);
}
void StateWriter::u64(uint64_t value) {
    append(bytes_, value);
}
void StateWriter::i64(int64_t value) {
    append(bytes_, value);
}
void StateWriter::f64(double value) {
    append(bytes_, value);
}
void StateWriter::f32(float value) {
    append(bytes_, value);
}
void StateWriter::header(uint8_t tag, uint8_t version) {
    u8(tag);
    u8(version);
}

std::string_view StateReader::take(size_t n) {
    if (bytes_.size() - offset_ < n) {
        throw StateCodecError("detector state is truncated");
    }
    const std::string_view out = bytes_.substr(offset_, n);
    offset_ += n;
    return out;
}

uint8_t StateReader::u8() {
    return decode<uint8_t>(take(sizeof(uint8_t)));
}
uint64_t StateReader::u64() {
    return decode<uint64_t>(take(sizeof(uint64_t)));
}
int64_t StateReader::i64() {
    return decode<int64_t>(take(sizeof(int64_t)));
}
double StateReader::f64() {
    return decode<double>(take(sizeof(double)));
}
float StateReader::f32() {
    return decode<float>(take(sizeof(float)));
}
void StateReader::expectHeader(uint8_t tag, uint8_t version) {
    const uint8_t got_tag = u8();
    const uint8_t got_version = u8();
    if (got_tag != tag || got_version != version) {
        throw StateCodecError("detector state has tag " + std::to_string(got_tag) + " v" +
                              std::to_string(got_version) + ", expected " + std::to_string(tag) +
                              " v" + std::to_string(version));
    }
}

}  // namespace infrasage::detect
