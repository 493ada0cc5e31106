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

struct AuthOutcome {
    std::optional<Principal> principal;
    std::string failure;     // why not, for the audit log: token_expired, api_key_revoked, ...
    std::string actor_hint;  // who it claimed to be (key id, token subject), for the audit log
    std::string tenant_hint;
    std::string actor_type_hint;  // api_key or user when actor_hint is known  // the tenant of a
                                  // known but refused key or signed token, so that the tenant's
                                  // admins see attempts with revoked or expired keys
};

class Authenticator {
  public:
    virtual ~Authenticator() = default;
    virtual AuthOutcome authenticate(const Credentials& credentials) = 0;
};

}  // namespace infrasage::auth
