// http/RequestId: the id that ties a response, its access-log line and its audit entry together.
// A caller-supplied X-Request-Id is kept when it is short and plain; otherwise one is generated.
#pragma once

#include <string>
#include <string_view>

namespace infrasage::http {

std::string generateRequestId();
bool isAcceptableRequestId(std::string_view id);

}  // namespace infrasage::http
