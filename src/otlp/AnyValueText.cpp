#include "otlp/AnyValueText.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "otlp/HexId.h"

namespace infrasage::otlp {

namespace {

namespace pb = opentelemetry::proto::common::v1;

nlohmann::json doubleJson(double value) {
    if (std::isnan(value)) {
        return "NaN";
    }
    if (std::isinf(value)) {
        return value > 0 ? "Infinity" : "-Infinity";
    }
    return value;
}

// Nesting is bounded by protobuf's parse recursion limit (100), so recursion here is too.
nlohmann::json toJson(const pb::AnyValue& value) {
    switch (value.value_case()) {
        case pb::AnyValue::kStringValue:
            return value.string_value();
        case pb::AnyValue::kBoolValue:
            return value.bool_value();
        case pb::AnyValue::kIntValue:
            return value.int_value();
        case pb::AnyValue::kDoubleValue:
            return doubleJson(value.double_value());
        case pb::AnyValue::kBytesValue:
            return base64(value.bytes_value());
        case pb::AnyValue::kArrayValue: {
            auto list = nlohmann::json::array();
            for (const auto& item : value.array_value().values()) {
                list.push_back(toJson(item));
            }
            return list;
        }
        case pb::AnyValue::kKvlistValue: {
            auto object = nlohmann::json::object();
            for (const auto& kv : value.kvlist_value().values()) {
                object[kv.key()] = toJson(kv.value());
            }
            return object;
        }
        case pb::AnyValue::VALUE_NOT_SET:
            break;
    }
    return nullptr;
}

}  // namespace

std::string anyValueText(const pb::AnyValue& value) {
    switch (value.value_case()) {
        case pb::AnyValue::kStringValue:
            return value.string_value();
        case pb::AnyValue::kBytesValue:
            return base64(value.bytes_value());
        case pb::AnyValue::VALUE_NOT_SET:
            return {};
        default:
            break;
    }
    const auto json = toJson(value);
    return json.is_string() ? json.get<std::string>()
                            : json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace infrasage::otlp
