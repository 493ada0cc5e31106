// libFuzzer target for the OTLP/HTTP JSON path: UTF-8 check, bounded-depth parse, hex ids to
// base64, protobuf's JSON parser, then the metrics, span and log decoders. See FuzzOtlp.h.
#include "FuzzOtlp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    infrasage::otlp::fuzz::fuzzOne(data, size, infrasage::otlp::Encoding::Json);
    return 0;
}
