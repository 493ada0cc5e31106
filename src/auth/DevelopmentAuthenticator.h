// auth/DevelopmentAuthenticator: until the identity layer lands, lets requests act as one
// development tenant — and only when INFRASAGE_ENV=development. In production it is never
// installed, so every authenticated route answers 401.
#pragma once

#include "auth/Authenticator.h"

namespace infrasage::auth {

class DevelopmentAuthenticator final : public Authenticator {
  public:
    explicit DevelopmentAuthenticator(std::string tenant_id) : tenant_id_(std::move(tenant_id)) {}
    std::optional<Principal> authenticate(const Credentials& credentials) override;

  private:
    std::string tenant_id_;
};

// Refuses everything: the production stand-in until real credentials exist.
class DenyAllAuthenticator final : public Authenticator {
  public:
    std::optional<Principal> authenticate(const Credentials&) override { return std::nullopt; }
};

}  // namespace infrasage::auth
