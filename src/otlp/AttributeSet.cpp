#include "otlp/AttributeSet.h"

#include <algorithm>

#include "otlp/AnyValueText.h"

namespace infrasage::otlp {

void AttributeSet::set(std::string key, std::string value) {
    items_.push_back(Attribute{std::move(key), std::move(value)});
    finished_ = false;
}

void AttributeSet::setAll(const KeyValues& attributes) {
    items_.reserve(items_.size() + static_cast<std::size_t>(attributes.size()));
    for (const auto& kv : attributes) {
        set(kv.key(), anyValueText(kv.value()));
    }
}

void AttributeSet::setAll(const AttributeSet& other) {
    items_.insert(items_.end(), other.items_.begin(), other.items_.end());
    finished_ = false;
}

// A stable sort keeps the order of equal keys, so the last one set is the last of its run.
const std::vector<Attribute>& AttributeSet::finish() {
    if (finished_) {
        return items_;
    }
    std::stable_sort(items_.begin(), items_.end(),
                     [](const Attribute& a, const Attribute& b) { return a.key < b.key; });
    std::vector<Attribute> unique;
    unique.reserve(items_.size());
    for (std::size_t i = 0; i < items_.size(); ++i) {
        if (i + 1 < items_.size() && items_[i + 1].key == items_[i].key) {
            continue;
        }
        unique.push_back(std::move(items_[i]));
    }
    items_ = std::move(unique);
    finished_ = true;
    return items_;
}

ResourceContext resourceContext(const opentelemetry::proto::resource::v1::Resource& resource,
                                std::string_view scope_name, std::string_view scope_version) {
    ResourceContext context;
    for (const auto& kv : resource.attributes()) {
        if (kv.key() == kServiceNameKey) {
            context.service_id = anyValueText(kv.value());
            continue;
        }
        context.attributes.set(kv.key(), anyValueText(kv.value()));
    }
    if (context.service_id.empty()) {
        context.service_id = std::string(kUnknownService);
    }
    if (!scope_name.empty()) {
        context.attributes.set("otel.scope.name", std::string(scope_name));
    }
    if (!scope_version.empty()) {
        context.attributes.set("otel.scope.version", std::string(scope_version));
    }
    return context;
}

bool hasControlCharacter(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto b = static_cast<unsigned char>(c);
        return b < 0x20 || b == 0x7F;
    });
}

std::optional<Rejection> checkServiceAndAttributes(std::string_view service_id,
                                                   const std::vector<Attribute>& attributes,
                                                   const ingest::IngestLimits& limits) {
    if (service_id.size() > limits.max_service_id_bytes) {
        return Rejection{
            "field_too_long",
            "service.name exceeds " + std::to_string(limits.max_service_id_bytes) + " bytes"};
    }
    if (hasControlCharacter(service_id)) {
        return Rejection{"invalid_field_value", "service.name contains control characters"};
    }
    if (attributes.size() > limits.max_attributes) {
        return Rejection{"too_many_attributes", std::to_string(attributes.size()) +
                                                    " attributes; at most " +
                                                    std::to_string(limits.max_attributes)};
    }
    for (const auto& attribute : attributes) {
        if (attribute.key.empty()) {
            return Rejection{"invalid_field_value", "empty attribute key"};
        }
        if (attribute.key.size() > limits.max_attribute_key_bytes ||
            attribute.value.size() > limits.max_attribute_value_bytes) {
            return Rejection{"attribute_too_long",
                             "attribute key of " + std::to_string(attribute.key.size()) +
                                 " bytes or value of " + std::to_string(attribute.value.size()) +
                                 " bytes over the limit"};
        }
    }
    return std::nullopt;
}

}  // namespace infrasage::otlp
