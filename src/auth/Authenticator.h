// auth/Authenticator: turns the credentials of a request into a Principal. The HTTP layer calls it
// through one filter for every non-public route; no handler authenticates on its own.
#pragma once

#include <optional>
#include <string>

#include "auth/Principal.h"

namespace infrasage::auth {

// What a request presented; extracted once by the HTTP layer.
struct Credentials {
    std::string authorization;  // Authorization header, verbatim
    std::string api_key;        // X-API-Key header, verbatim
    std::string client_ip;
};

class Authenticator {
  public:
    virtual ~Authenticator() = default;
    // nullopt: not authenticated (the caller answers 401). Throws ApiError for other refusals.
    virtual std::optional<Principal> authenticate(const Credentials& credentials) = 0;
};

}  // namespace infrasage::auth
