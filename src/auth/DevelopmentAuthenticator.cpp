#include "auth/DevelopmentAuthenticator.h"

namespace infrasage::auth {

std::optional<Principal> DevelopmentAuthenticator::authenticate(const Credentials&) {
    return Principal{tenant_id_, "development", ActorType::Development, "admin"};
}

}  // namespace infrasage::auth
