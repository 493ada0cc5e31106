// otlp/EncodedItems: what the span and log decoders produce — accepted items already encoded as
// RowBinary rows for their stream, and what they refused.
#pragma once

#include <cstdint>
#include <string>

#include "otlp/Rejections.h"

namespace infrasage::otlp {

struct EncodedItems {
    std::string rows;    // RowBinary, in the stream's column order
    uint32_t count = 0;  // rows in `rows`
    Rejections rejected;
};

}  // namespace infrasage::otlp
