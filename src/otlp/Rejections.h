// otlp/Rejections: what a decoder refused, item by item — counted per stable code (the same codes
// as JSON ingestion: attribute_too_long, timestamp_too_old, ...) for the rejected-records metric,
// and the first message for the OTLP partial_success error_message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace infrasage::otlp {

struct Rejection {
    std::string code;
    std::string message;
};

class Rejections {
  public:
    void add(const Rejection& rejection, uint64_t items = 1);
    void add(std::string_view code, std::string_view message, uint64_t items = 1);

    uint64_t total() const { return total_; }
    const std::string& firstMessage() const { return first_message_; }
    // (code, items) in first-seen order.
    const std::vector<std::pair<std::string, uint64_t>>& byCode() const { return by_code_; }

  private:
    uint64_t total_ = 0;
    std::string first_message_;
    std::vector<std::pair<std::string, uint64_t>> by_code_;
};

}  // namespace infrasage::otlp
