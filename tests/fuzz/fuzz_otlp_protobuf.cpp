// libFuzzer target for the OTLP/HTTP protobuf path: otlp/OtlpBodyParser (generated classes) and
// the metrics, span and log decoders. See FuzzOtlp.h.
#include "FuzzOtlp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    infrasage::otlp::fuzz::fuzzOne(data, size, infrasage::otlp::Encoding::Protobuf);
    return 0;
}
