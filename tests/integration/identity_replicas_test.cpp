// Two replicas sharing one control store: a key revoked through one is refused by it at once and
// by the other within the identity cache's bound (5 s).
#include "ServerTestBase.h"

namespace infrasage::testing {
namespace {

class IdentityReplicasTest : public ServerTestBase {};

TEST_F(IdentityReplicasTest, RevocationReachesTheOtherReplicaWithinFiveSeconds) {
    const auto shared = makeTempDir("shared-control-store");
    const std::map<std::string, std::string> identity{
        {"INFRASAGE_CONTROL_STORE_URL", "sqlite://" + (shared / "control.db").string()},
        {"JWT_SECRET", std::string(40, 'j')},
        {"INFRASAGE_API_KEY_PEPPER", std::string(40, 'p')}};
    std::string env;
    for (const auto& [k, v] : identity) env += k + "=" + v + " ";
    auto replica_a = makeServer(identity, "replica-a");
    auto replica_b = makeServer(identity, "replica-b");
    replica_a->start();
    replica_b->start();
    server_.swap(replica_a);  // runAdmin and client() use server_: replica A

    runAdmin("tenant create --rps-quota 0 --tenant " + tenant_, "", env);
    auto last_line = [](std::string out) {
        while (!out.empty() && out.back() == '\n') out.pop_back();
        return out.substr(out.rfind('\n') + 1);
    };
    const auto admin_key = last_line(
        runAdmin("apikey create --tenant " + tenant_ + " --name admin --scope full", "", env));
    const auto victim_out =
        runAdmin("apikey create --tenant " + tenant_ + " --name victim --scope readonly", "", env);
    const auto victim_secret = last_line(victim_out);
    const auto victim_id = victim_out.substr(7, victim_out.find(' ', 7) - 7);  // "key_id <id> ..."

    auto me = [&](uint16_t port) {
        httplib::Client c("127.0.0.1", port);
        auto r = c.Get("/api/v1/auth/me", {{"X-API-Key", victim_secret}});
        return r ? r->status : -1;
    };
    ASSERT_EQ(me(server_->port()), 200);
    ASSERT_EQ(me(replica_b->port()), 200);  // B has the key in its cache now

    httplib::Client a("127.0.0.1", server_->port());
    auto revoked = a.Delete("/api/v1/apikeys/" + victim_id, {{"X-API-Key", admin_key}});
    ASSERT_TRUE(revoked);
    ASSERT_EQ(revoked->status, 200) << revoked->body;
    EXPECT_EQ(me(server_->port()), 401);  // at once on the replica that revoked

    auto started = std::chrono::steady_clock::now();
    while (me(replica_b->port()) == 200 &&
           std::chrono::steady_clock::now() - started < std::chrono::seconds(10)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(me(replica_b->port()), 401);
    EXPECT_LE(took, std::chrono::milliseconds(5500));
    replica_b->stop();
}

}  // namespace
}  // namespace infrasage::testing
