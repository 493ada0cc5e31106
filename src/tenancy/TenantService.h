// tenancy/TenantService: tenants and their plans and quotas (super_admin only through the API;
// the admin CLI for bootstrap). Suspending a tenant (active=false) refuses all of its credentials.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/Clock.h"
#include "controlstore/ControlStore.h"

namespace infrasage::tenancy {

struct TenantChange {
    std::optional<std::string> name;
    std::optional<std::string> plan;
    std::optional<int64_t> rps_quota;
    std::optional<int64_t> events_per_month;
    std::optional<int64_t> max_api_keys;
    std::optional<int64_t> max_users;
    std::optional<bool> active;
};

class TenantService {
  public:
    TenantService(controlstore::ControlStore& store, const Clock& clock,
                  std::function<void()> on_change);

    // Throws ApiError 400 invalid_tenant_id / invalid_quota, 409 already_exists.
    controlstore::Tenant create(const std::string& id, const TenantChange& fields);
    // Like create, but an existing tenant is returned unchanged (bootstrap is idempotent).
    controlstore::Tenant ensure(const std::string& id, const TenantChange& fields);
    std::vector<controlstore::Tenant> list();
    controlstore::Tenant get(const std::string& id);  // 404
    controlstore::Tenant update(const std::string& id, const TenantChange& change);

  private:
    static void apply(controlstore::Tenant& tenant, const TenantChange& change);

    controlstore::ControlStore& store_;
    const Clock& clock_;
    std::function<void()> on_change_;
};

// Tenant ids are slugs: lowercase letters, digits and '-', 2 to 63 characters, starting with a
// letter or digit.
bool isValidTenantId(std::string_view id);

}  // namespace infrasage::tenancy
