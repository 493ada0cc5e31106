// otlp/AnyValueText: how an OTLP AnyValue (attribute value, log body) becomes the one string the
// tables store. A string is stored as is; int, double and bool as their JSON text (`42`, `1.5`,
// `true`); bytes as base64; arrays and key/value lists as compact JSON. An unset value is "".
// Non-finite doubles become "NaN", "Infinity", "-Infinity" (JSON has no such numbers).
#pragma once

#include <string>

#include "opentelemetry/proto/common/v1/common.pb.h"

namespace infrasage::otlp {

std::string anyValueText(const opentelemetry::proto::common::v1::AnyValue& value);

}  // namespace infrasage::otlp
