// otlp/AttributeSet: the one label/attribute set an OTLP item is stored with, merged from its
// levels. Merge rule (documented in src/otlp/README.md): resource attributes, then the
// instrumentation scope (`otel.scope.name`, `otel.scope.version` when set), then the item's own
// attributes, then names InfraSage derives (e.g. `otel.temporality`); a later level replaces an
// earlier value of the same key, and within one level the last occurrence wins. No prefixes: a
// key reads the same whichever level set it. The resource attribute `service.name` is not kept as
// an attribute: it becomes service_id ("unknown" when absent or empty).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/IngestLimits.h"
#include "opentelemetry/proto/common/v1/common.pb.h"
#include "opentelemetry/proto/resource/v1/resource.pb.h"
#include "otlp/Rejections.h"

namespace infrasage::otlp {

inline constexpr std::string_view kServiceNameKey = "service.name";
inline constexpr std::string_view kUnknownService = "unknown";

struct Attribute {
    std::string key;
    std::string value;
};

class AttributeSet {
  public:
    using KeyValues =
        google::protobuf::RepeatedPtrField<opentelemetry::proto::common::v1::KeyValue>;

    void set(std::string key, std::string value);
    void setAll(const KeyValues& attributes);
    void setAll(const AttributeSet& other);

    // Sorted by key, one entry per key (the last one set). Call once all levels are in.
    const std::vector<Attribute>& finish();
    std::size_t size() const { return items_.size(); }

  private:
    std::vector<Attribute> items_;
    bool finished_ = true;
};

// What every item under one resource and scope shares.
struct ResourceContext {
    std::string service_id;
    AttributeSet attributes;  // resource (without service.name) + scope
};

ResourceContext resourceContext(const opentelemetry::proto::resource::v1::Resource& resource,
                                std::string_view scope_name, std::string_view scope_version);

// The checks JSON ingestion applies to a record's service_id and attributes (IngestLimits):
// service_id at most max_service_id_bytes without control characters (field_too_long,
// invalid_field_value); at most max_attributes attributes (too_many_attributes); keys non-empty
// (invalid_field_value) and at most max_attribute_key_bytes, values at most
// max_attribute_value_bytes (attribute_too_long). nullopt when all pass.
std::optional<Rejection> checkServiceAndAttributes(std::string_view service_id,
                                                   const std::vector<Attribute>& attributes,
                                                   const ingest::IngestLimits& limits);

bool hasControlCharacter(std::string_view text);

}  // namespace infrasage::otlp
