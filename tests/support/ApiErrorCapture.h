// Test support: what ApiError a call throws, as a comparable {status, code} pair.
#pragma once

#include <functional>
#include <string>
#include <utility>

#include "common/ApiError.h"

namespace infrasage::testing {

using Err = std::pair<int, std::string>;

// {status, code} of the ApiError `f` throws, or {0, "no error"}.
inline Err errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const ApiError& e) {
        return {e.httpStatus(), e.code()};
    }
    return {0, "no error"};
}

}  // namespace infrasage::testing
