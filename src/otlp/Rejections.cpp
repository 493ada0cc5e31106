#include "otlp/Rejections.h"

#include <algorithm>

namespace infrasage::otlp {

void Rejections::add(const Rejection& rejection, uint64_t items) {
    add(rejection.code, rejection.message, items);
}

void Rejections::add(std::string_view code, std::string_view message, uint64_t items) {
    if (items == 0) {
        return;
    }
    if (total_ == 0) {
        first_message_ = std::string(code) + ": " + std::string(message);
    }
    total_ += items;
    auto it = std::find_if(by_code_.begin(), by_code_.end(),
                           [code](const auto& entry) { return entry.first == code; });
    if (it == by_code_.end()) {
        by_code_.emplace_back(std::string(code), items);
    } else {
        it->second += items;
    }
}

}  // namespace infrasage::otlp
