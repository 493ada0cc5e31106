// ingest/IngestLimits: the bounds every ingested record must respect. One place, so the
// documentation (docs/api) and the parser agree.
#pragma once

#include <chrono>
#include <cstddef>

namespace infrasage::ingest {

struct IngestLimits {
    std::size_t max_batch_records = 10000;
    std::size_t max_attributes = 64;
    std::size_t max_attribute_key_bytes = 128;
    std::size_t max_attribute_value_bytes = 4096;
    std::size_t max_service_id_bytes = 256;
    std::size_t max_metric_name_bytes = 256;
    std::size_t max_trace_id_bytes = 128;
    std::size_t max_body_bytes = 65536;
    std::chrono::seconds max_age{24 * 3600};   // older timestamps: timestamp_too_old
    std::chrono::seconds max_future{10 * 60};  // further ahead: timestamp_in_future
};

}  // namespace infrasage::ingest
