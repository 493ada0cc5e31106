#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/AuditRecorder.h"
#include "audit/AuditRowCodec.h"
#include "common/ApiError.h"
#include "storage/Streams.h"
#include "support/TestEnv.h"
#include "wal/WriteAheadLog.h"

namespace infrasage::api {
namespace {

// 2024-04-10T12:00:10Z, ten seconds into a minute.
constexpr int64_t kStartNs = 1712750410'000'000'000;
constexpr int64_t kMinuteNs = 60'000'000'000;

wal::WalOptions walOptions(uint64_t max_pending_bytes = 1ULL << 30) {
    wal::WalOptions options;
    options.dir = infrasage::testing::makeTempDir("audit-recorder");
    options.fsync = false;  // these tests check what is recorded, not crash safety
    options.max_pending_bytes = max_pending_bytes;
    return options;
}

http::Route route(std::string action,
                  http::AccessPolicy::Kind kind = http::AccessPolicy::Kind::Authenticated) {
    http::Route r;
    r.method = "POST";
    r.path = "/api/v1/x";
    r.policy.kind = kind;
    r.policy.min_role = auth::Role::Viewer;
    r.policy.action = std::move(action);
    return r;
}

auth::Principal alice() {
    auth::Principal p;
    p.tenant_id = "acme";
    p.actor = "alice@example.com";
    p.actor_type = auth::ActorType::User;
    p.role = "admin";
    p.user_id = "usr_alice";
    return p;
}

auth::Principal ingestionKey() {
    auth::Principal p;
    p.tenant_id = "acme";
    p.actor = "isage_key_collector";
    p.actor_type = auth::ActorType::ApiKey;
    p.role = "operator";
    p.scope = auth::Scope::Ingestion;
    return p;
}

class AuditRecorderTest : public ::testing::Test {
  protected:
    explicit AuditRecorderTest(uint64_t wal_max_pending_bytes = 1ULL << 30)
        : wal_(walOptions(wal_max_pending_bytes)) {
        req_.method = "POST";
        req_.path = "/api/v1/apikeys";
        req_.headers.emplace("User-Agent", "curl/8.0");
        ctx_.request_id = "req-1";
        ctx_.client_ip = "10.0.0.7";
    }

    void complete(const http::Route& r, int status) {
        res_.status = status;
        recorder_.onComplete(r, req_, res_, ctx_);
    }

    // Every audit row in the WAL, in order.
    std::vector<audit::AuditRecord> records() {
        std::vector<audit::AuditRecord> out;
        wal::WalPosition from;
        for (;;) {
            auto batch = wal_.read(from, 1 << 20, std::chrono::milliseconds(0));
            if (batch.empty()) {
                return out;
            }
            from = batch.back().end;
            for (const auto& frame : batch) {
                EXPECT_EQ(frame.stream, storage::kAuditStream);
                auto rows = audit::AuditRowCodec::decode(frame.payload);
                out.insert(out.end(), rows.begin(), rows.end());
            }
        }
    }

    audit::AuditEntry onlyEntry() {
        auto all = records();
        EXPECT_EQ(all.size(), 1u);
        return all.empty() ? audit::AuditEntry{} : all[0].entry;
    }

    bool metricsContain(const std::string& line) {
        return metrics_.render().find(line) != std::string::npos;
    }

    ManualClock clock_{kStartNs};
    wal::WriteAheadLog wal_;
    audit::AuditLog log_{wal_, clock_};
    observability::Metrics metrics_;
    AuditRecorder recorder_{log_, metrics_};
    http::Request req_;
    http::Response res_;
    http::RequestContext ctx_;
};

TEST(AuditRecorderOutcomeTest, DenialsAreTheAuthStatuses) {
    for (int status : {200, 201, 204, 301, 304}) {
        EXPECT_EQ(AuditRecorder::outcomeFor(status), "allowed") << status;
    }
    for (int status : {401, 403, 429}) {
        EXPECT_EQ(AuditRecorder::outcomeFor(status), "denied") << status;
    }
    for (int status : {400, 404, 409, 413, 500, 503}) {
        EXPECT_EQ(AuditRecorder::outcomeFor(status), "failed") << status;
    }
}

TEST_F(AuditRecorderTest, AnAuthenticatedRequestBecomesOneEntry) {
    ctx_.principal = alice();
    ctx_.audit_resource = "isage_key_abc";
    complete(route("apikey.create"), 201);

    const auto entry = onlyEntry();
    EXPECT_EQ(entry.timestamp_ms, kStartNs / 1'000'000);
    EXPECT_EQ(entry.tenant_id, "acme");
    EXPECT_EQ(entry.actor, "alice@example.com");
    EXPECT_EQ(entry.actor_type, "user");
    EXPECT_EQ(entry.action, "apikey.create");
    EXPECT_EQ(entry.resource, "isage_key_abc");
    EXPECT_EQ(entry.outcome, "allowed");
    EXPECT_EQ(entry.status, 201);
    EXPECT_EQ(entry.client_ip, "10.0.0.7");
    EXPECT_EQ(entry.user_agent, "curl/8.0");
    EXPECT_EQ(entry.request_id, "req-1");
    EXPECT_TRUE(entry.details.empty());
    EXPECT_TRUE(metricsContain("infrasage_audit_entries_total{outcome=\"allowed\"} 1"));
}

TEST_F(AuditRecorderTest, TheResourceDefaultsToThePath) {
    ctx_.principal = alice();
    complete(route("apikey.list"), 200);
    EXPECT_EQ(onlyEntry().resource, "/api/v1/apikeys");
}

TEST_F(AuditRecorderTest, ARefusedCredentialIsRecordedWithItsReasonAndClaimedIdentity) {
    ctx_.auth_failure = "api_key_revoked";
    ctx_.audit_actor = "isage_key_stolen";
    ctx_.audit_tenant = "acme";
    complete(route("apikey.list"), 401);

    const auto entry = onlyEntry();
    EXPECT_EQ(entry.tenant_id, "acme");
    EXPECT_EQ(entry.actor, "isage_key_stolen");
    EXPECT_EQ(entry.actor_type, "anonymous");
    EXPECT_EQ(entry.outcome, "denied");
    EXPECT_EQ(entry.status, 401);
    EXPECT_EQ(nlohmann::json::parse(entry.details),
              (nlohmann::json{{"reason", "api_key_revoked"}}));
    EXPECT_TRUE(metricsContain("infrasage_auth_failures_total{reason=\"api_key_revoked\"} 1"));
    EXPECT_TRUE(metricsContain("infrasage_audit_entries_total{outcome=\"denied\"} 1"));
}

TEST_F(AuditRecorderTest, AnUnknownCallerIsAnonymous) {
    complete(route("apikey.list"), 401);
    const auto entry = onlyEntry();
    EXPECT_EQ(entry.actor, "anonymous");
    EXPECT_EQ(entry.actor_type, "anonymous");
    EXPECT_EQ(entry.tenant_id, "");
    EXPECT_TRUE(entry.details.empty());
}

TEST_F(AuditRecorderTest, AForbiddenRequestIsDeniedWithThePrincipal) {
    ctx_.principal = ingestionKey();
    complete(route("user.create"), 403);
    const auto entry = onlyEntry();
    EXPECT_EQ(entry.actor, "isage_key_collector");
    EXPECT_EQ(entry.actor_type, "api_key");
    EXPECT_EQ(entry.outcome, "denied");
    EXPECT_EQ(entry.status, 403);
}

TEST_F(AuditRecorderTest, ProbesAreNotAuditedButLoginsAre) {
    complete(route("health", http::AccessPolicy::Kind::Public), 200);
    complete(route("metrics", http::AccessPolicy::Kind::Public), 200);
    EXPECT_TRUE(records().empty());

    ctx_.audit_actor = "alice@example.com";
    ctx_.auth_failure = "invalid_credentials";
    complete(route("auth.login", http::AccessPolicy::Kind::Public), 401);
    const auto entry = onlyEntry();
    EXPECT_EQ(entry.action, "auth.login");
    EXPECT_EQ(entry.actor, "alice@example.com");
    EXPECT_EQ(entry.outcome, "denied");
}

TEST_F(AuditRecorderTest, SuccessfulIngestionIsSummarisedPerMinute) {
    ctx_.principal = ingestionKey();
    ctx_.ingested_records = 100;
    complete(route("telemetry.ingest"), 202);
    ctx_.ingested_records = 50;
    complete(route("telemetry.ingest"), 202);
    EXPECT_TRUE(records().empty());
    EXPECT_EQ(log_.pendingSummaries(), 1u);

    clock_.set(kStartNs + kMinuteNs);
    EXPECT_EQ(log_.flushEndedMinutes(), 1u);
    const auto entry = onlyEntry();
    EXPECT_EQ(entry.action, "telemetry.ingest");
    EXPECT_EQ(entry.actor, "isage_key_collector");
    EXPECT_EQ(entry.tenant_id, "acme");
    EXPECT_EQ(entry.outcome, "allowed");
    EXPECT_NE(entry.details.find("150"), std::string::npos) << entry.details;
}

TEST_F(AuditRecorderTest, RefusedIngestionIsAuditedAtOnce) {
    ctx_.principal = ingestionKey();
    complete(route("telemetry.ingest"), 429);
    const auto entry = onlyEntry();
    EXPECT_EQ(entry.action, "telemetry.ingest");
    EXPECT_EQ(entry.outcome, "denied");
    EXPECT_EQ(entry.status, 429);
    EXPECT_EQ(log_.pendingSummaries(), 0u);
}

TEST_F(AuditRecorderTest, OtlpAndRemoteWriteAreSummarisedUnderTheirOwnActions) {
    ctx_.principal = ingestionKey();
    ctx_.ingested_records = 7;
    complete(route("otlp.metrics"), 200);
    complete(route("otlp.metrics"), 200);
    complete(route("prometheus.write"), 204);
    EXPECT_TRUE(records().empty());
    log_.stop();
    const auto all = records();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].entry.action, "otlp.metrics");
    EXPECT_EQ(nlohmann::json::parse(all[0].entry.details),
              (nlohmann::json{{"records", 14}, {"requests", 2}}));
    EXPECT_EQ(all[1].entry.action, "prometheus.write");
    EXPECT_EQ(all[1].entry.status, 204);
}

// Overload answers are summarised (a storm of them must not need one WAL append each); any other
// failed ingestion request is still one entry at once.
TEST_F(AuditRecorderTest, BackpressureRefusalsAreSummarisedOtherFailuresAreNot) {
    ctx_.principal = ingestionKey();
    ctx_.error_code = "ingestion_backlog_full";
    complete(route("prometheus.write"), 503);
    complete(route("prometheus.write"), 503);
    EXPECT_TRUE(records().empty());
    EXPECT_EQ(log_.pendingSummaries(), 1u);

    ctx_.error_code = "invalid_payload";
    complete(route("prometheus.write"), 400);
    EXPECT_EQ(onlyEntry().status, 400);

    log_.stop();
    const auto all = records();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[1].entry.outcome, "failed");
    EXPECT_EQ(all[1].entry.status, 503);
    EXPECT_EQ(
        nlohmann::json::parse(all[1].entry.details),
        (nlohmann::json{{"records", 0}, {"requests", 2}, {"error", "ingestion_backlog_full"}}));
}

TEST_F(AuditRecorderTest, LongResourcesAndUserAgentsAreTruncated) {
    ctx_.principal = alice();
    req_.path = "/api/v1/" + std::string(2000, 'p');
    req_.headers.clear();
    req_.headers.emplace("User-Agent", std::string(2000, 'u'));
    complete(route("apikey.get"), 404);
    const auto entry = onlyEntry();
    EXPECT_EQ(entry.resource.size(), 512u);
    EXPECT_EQ(entry.user_agent, std::string(256, 'u'));
    EXPECT_EQ(entry.outcome, "failed");
}

// A WAL that refuses every entry (its cap is smaller than any entry).
class AuditRecorderWalFullTest : public AuditRecorderTest {
  protected:
    AuditRecorderWalFullTest() : AuditRecorderTest(100) {}
};

// With the WAL full, an ingestion refusal keeps its own code: the audit total waits in memory.
TEST_F(AuditRecorderWalFullTest, AFullBacklogIsAnsweredWithTheIngestionCode) {
    res_.status = 503;
    ctx_.principal = ingestionKey();
    ctx_.error_code = "ingestion_backlog_full";
    EXPECT_NO_THROW(recorder_.onComplete(route("otlp.logs"), req_, res_, ctx_));
    EXPECT_EQ(log_.pendingSummaries(), 1u);
}

TEST_F(AuditRecorderWalFullTest, AnEntryThatCannotBeMadeDurableRefusesTheRequest) {
    req_.path = "/api/v1/apikeys";
    res_.status = 200;
    ctx_.principal = alice();
    try {
        recorder_.onComplete(route("apikey.list"), req_, res_, ctx_);
        FAIL() << "a request was answered without its audit entry";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.httpStatus(), 503);
        EXPECT_EQ(e.code(), "audit_unavailable");
        EXPECT_GT(e.retryAfterSeconds(), 0);
    }
}

}  // namespace
}  // namespace infrasage::api
