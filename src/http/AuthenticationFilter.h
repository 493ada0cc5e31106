// http/AuthenticationFilter: the one place credentials are read. Public routes pass; every other
// route gets a Principal from the Authenticator or is answered 401.
#pragma once

#include <memory>

#include "auth/Authenticator.h"
#include "http/Filter.h"

namespace infrasage::http {

class AuthenticationFilter final : public Filter {
  public:
    // The authenticator outlives the server (it belongs to the process's identity stack).
    explicit AuthenticationFilter(auth::Authenticator& authenticator)
        : authenticator_(authenticator) {}
    std::string_view name() const override { return "authentication"; }
    void onRequest(const Route& route, const Request& req, RequestContext& ctx) override;

  private:
    auth::Authenticator& authenticator_;
};

}  // namespace infrasage::http
