#include "http/RequestId.h"

#include <random>

namespace infrasage::http {

std::string generateRequestId() {
    // Not a secret: it only has to be unique, so a per-thread PRNG seeded once is enough.
    thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id(32, '0');
    for (std::size_t i = 0; i < id.size(); i += 16) {
        auto bits = rng();
        for (std::size_t j = 0; j < 16; ++j) {
            id[i + j] = kHex[(bits >> (j * 4)) & 0xF];
        }
    }
    return id;
}

bool isAcceptableRequestId(std::string_view id) {
    if (id.empty() || id.size() > 64) {
        return false;
    }
    for (char c : id) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.';
        if (!ok) {
            return false;
        }
    }
    return true;
}

}  // namespace infrasage::http
