// The audit log end to end against the test ClickHouse: entries recorded through AuditLog travel
// the WAL and the DeliveryWorker into infrasage_audit_log, are listed with filters, cursor pages
// and tenant scoping by AuditReader, and verify; rows tampered with in ClickHouse are reported.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "audit/AuditChain.h"
#include "audit/AuditLog.h"
#include "audit/AuditReader.h"
#include "audit/AuditRowCodec.h"
#include "auth/Principal.h"
#include "common/ApiError.h"
#include "common/Clock.h"
#include "storage/ClickHouseRowSink.h"
#include "storage/SchemaMigrations.h"
#include "storage/SqlLiteral.h"
#include "storage/Streams.h"
#include "support/ClickHouseTestEnv.h"
#include "support/TestEnv.h"
#include "wal/DeliveryWorker.h"
#include "wal/WriteAheadLog.h"

namespace infrasage::audit {
namespace {

using storage::SqlBuilder;

constexpr int64_t kBaseMs = 1712750400000;  // 2024-04-10T12:00:00Z

auth::Principal principal(const std::string& tenant, const std::string& role) {
    auth::Principal p;
    p.tenant_id = tenant;
    p.actor = "admin@" + tenant;
    p.role = role;
    return p;
}

tenancy::TenantScope scopeOf(const std::string& tenant) {
    return tenancy::TenantScope::of(principal(tenant, "admin"));
}

tenancy::TenantScope allTenants() {
    return tenancy::TenantScope::allTenantsFor(principal("ops", "super_admin"));
}

AuditEntry entry(const std::string& tenant, int64_t timestamp_ms, const std::string& actor,
                 const std::string& action, const std::string& outcome) {
    AuditEntry e;
    e.timestamp_ms = timestamp_ms;
    e.tenant_id = tenant;
    e.actor = actor;
    e.actor_type = actor.starts_with("isage_key_") ? "api_key" : "user";
    e.action = action;
    e.resource = "/api/v1/" + action;
    e.outcome = outcome;
    e.status = outcome == "allowed" ? 200 : (outcome == "denied" ? 403 : 401);
    e.client_ip = "192.0.2.10";
    e.user_agent = "integration-test";
    e.request_id = "req-" + std::to_string(timestamp_ms);
    e.details = R"({"n":1})";
    return e;
}

bool waitFor(const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

class AuditLogIntegration : public ::testing::Test {
  protected:
    AuditLogIntegration() {
        storage::SchemaMigrations(db_.client(), db_.name()).apply();
        wal_options_.dir = testing::makeTempDir("audit-wal");
        openWal();
        startDelivery();
    }
    ~AuditLogIntegration() override {
        if (worker_) {
            worker_->stop(std::chrono::milliseconds(0));
        }
    }

    void openWal() {
        log_.reset();
        wal_.reset();
        wal_ = std::make_unique<wal::WriteAheadLog>(wal_options_);
        log_ = std::make_unique<AuditLog>(*wal_, clock_);
    }

    void startDelivery() {
        wal::DeliveryOptions options;
        options.max_delay = std::chrono::milliseconds(20);
        options.initial_backoff = std::chrono::milliseconds(20);
        options.max_backoff = std::chrono::milliseconds(200);
        worker_ = std::make_unique<wal::DeliveryWorker>(*wal_, sink_, options);
        worker_->start();
    }

    // Everything the WAL holds is in ClickHouse.
    void waitDelivered() {
        ASSERT_TRUE(waitFor([this] { return wal_->deliveredPosition() >= wal_->durableEnd(); }))
            << "audit rows were not delivered to ClickHouse";
    }

    uint64_t rowCount() {
        return std::stoull(reader_client_.query(
            SqlBuilder("SELECT count() FROM ").identifier(storage::kAuditLogTable).str()));
    }

    // ALTER ... UPDATE/DELETE are asynchronous mutations in 18.16 (no mutations_sync).
    void mutateAndWait(const SqlBuilder& statement) {
        reader_client_.query(statement.str());
        ASSERT_TRUE(waitFor([this] {
            return reader_client_.query(
                       SqlBuilder("SELECT count() FROM system.mutations WHERE database = ")
                           .string(db_.name())
                           .sql(" AND is_done = 0")
                           .str()) == "0\n";
        })) << "mutation did not finish";
    }

    std::vector<AuditRecord> listAll(const tenancy::TenantScope& scope, AuditFilter filter) {
        std::vector<AuditRecord> all;
        for (int pages = 0; pages < 1000; ++pages) {
            AuditPage page = reader_.list(scope, filter);
            all.insert(all.end(), page.entries.begin(), page.entries.end());
            if (page.next_page_token.empty()) {
                return all;
            }
            filter.page_token = page.next_page_token;
        }
        ADD_FAILURE() << "pagination did not end";
        return all;
    }

    testing::ScratchDatabase db_{"infrasage_it_audit"};
    storage::ClickHouseClient reader_client_{db_.options()};
    storage::ClickHouseRowSink sink_{db_.client()};
    ManualClock clock_{kBaseMs * 1'000'000};
    wal::WalOptions wal_options_;
    std::unique_ptr<wal::WriteAheadLog> wal_;
    std::unique_ptr<AuditLog> log_;
    std::unique_ptr<wal::DeliveryWorker> worker_;
    AuditReader reader_{reader_client_, db_.name(), /*verify_page_rows=*/4};
};

// Tenant a: 12 entries, 4 of them in the same millisecond (ties broken by event_id across page
// boundaries); tenant b: 3 entries.
void recordSample(AuditLog& log) {
    const char* actors[] = {"alice@a.test", "isage_key_abc123", "bob@a.test"};
    const char* actions[] = {"apikey.create", "anomaly.read", "auth.login"};
    const char* outcomes[] = {"allowed", "denied", "failed"};
    for (int i = 0; i < 12; ++i) {
        const int64_t ts = kBaseMs + (i < 4 ? 500 : 1000 * i + 7);
        log.record(entry("a", ts, actors[i % 3], actions[i % 3], outcomes[i % 3]));
    }
    for (int i = 0; i < 3; ++i) {
        log.record(entry("b", kBaseMs + 2000 + i, "carol@b.test", "apikey.create", "allowed"));
    }
}

TEST_F(AuditLogIntegration, StoredColumnsHoldTheEntryFields) {
    log_->record(entry("a", kBaseMs + 1234, "isage_key_abc123", "telemetry.ingest", "denied"));
    waitDelivered();
    const std::string row = reader_client_.query(
        SqlBuilder("SELECT tenant_id, toUInt32(timestamp), timestamp_ms, seq, length(chain_id), "
                   "length(hash), prev_hash, actor, actor_type, action, resource, outcome, status, "
                   "client_ip, user_agent, request_id, details FROM ")
            .identifier(storage::kAuditLogTable)
            .sql(" FORMAT TabSeparated")
            .str());
    EXPECT_EQ(row,
              "a\t1712750401\t234\t0\t32\t64\t\tisage_key_abc123\tapi_key\ttelemetry.ingest\t"
              "/api/v1/telemetry.ingest\tdenied\t403\t192.0.2.10\tintegration-test\t"
              "req-1712750401234\t{\"n\":1}\n");
}

TEST_F(AuditLogIntegration, ListsNewestFirstWithCursorPages) {
    recordSample(*log_);
    waitDelivered();

    const auto first = reader_.list(scopeOf("a"), {});
    ASSERT_EQ(first.entries.size(), 12u);
    EXPECT_TRUE(first.next_page_token.empty());
    for (std::size_t i = 1; i < first.entries.size(); ++i) {
        const auto& newer = first.entries[i - 1];
        const auto& older = first.entries[i];
        EXPECT_TRUE(newer.entry.timestamp_ms > older.entry.timestamp_ms ||
                    (newer.entry.timestamp_ms == older.entry.timestamp_ms &&
                     newer.event_id > older.event_id))
            << i;
    }

    AuditFilter paged;
    paged.limit = 3;  // the four same-millisecond entries straddle a page boundary
    const AuditPage page = reader_.list(scopeOf("a"), paged);
    EXPECT_EQ(page.entries.size(), 3u);
    EXPECT_FALSE(page.next_page_token.empty());
    const auto all = listAll(scopeOf("a"), paged);
    ASSERT_EQ(all.size(), 12u);
    for (std::size_t i = 0; i < all.size(); ++i) {
        EXPECT_EQ(all[i].event_id, first.entries[i].event_id) << i;
    }
}

TEST_F(AuditLogIntegration, FiltersByActorActionOutcomeAndTime) {
    recordSample(*log_);
    waitDelivered();

    AuditFilter by_actor;
    by_actor.actor = "isage_key_abc123";
    const auto keys = listAll(scopeOf("a"), by_actor);
    ASSERT_EQ(keys.size(), 4u);
    for (const auto& r : keys) {
        EXPECT_EQ(r.entry.actor, "isage_key_abc123");
        EXPECT_EQ(r.entry.outcome, "denied");
    }

    AuditFilter by_action_and_outcome;
    by_action_and_outcome.action = "auth.login";
    by_action_and_outcome.outcome = "failed";
    EXPECT_EQ(listAll(scopeOf("a"), by_action_and_outcome).size(), 4u);
    by_action_and_outcome.outcome = "allowed";
    EXPECT_TRUE(listAll(scopeOf("a"), by_action_and_outcome).empty());

    // Millisecond bounds, both inclusive: entries at +4007 .. +7007.
    AuditFilter window;
    window.since_ms = kBaseMs + 4007;
    window.until_ms = kBaseMs + 7007;
    auto in_window = listAll(scopeOf("a"), window);
    ASSERT_EQ(in_window.size(), 4u);
    EXPECT_EQ(in_window.front().entry.timestamp_ms, kBaseMs + 7007);
    EXPECT_EQ(in_window.back().entry.timestamp_ms, kBaseMs + 4007);
    window.since_ms = kBaseMs + 4008;
    window.until_ms = kBaseMs + 7006;
    EXPECT_EQ(listAll(scopeOf("a"), window).size(), 2u);
    window.since_ms = kBaseMs + 500;
    window.until_ms = kBaseMs + 500;
    EXPECT_EQ(listAll(scopeOf("a"), window).size(), 4u);

    AuditFilter hostile;
    hostile.actor = "x' OR '1'='1";
    EXPECT_TRUE(listAll(scopeOf("a"), hostile).empty());
}

TEST_F(AuditLogIntegration, ATenantSeesOnlyItsOwnEntriesAndSuperAdminSeesAll) {
    recordSample(*log_);
    waitDelivered();

    for (const auto& r : listAll(scopeOf("a"), {})) {
        EXPECT_EQ(r.entry.tenant_id, "a");
    }
    const auto b = listAll(scopeOf("b"), {});
    ASSERT_EQ(b.size(), 3u);
    for (const auto& r : b) {
        EXPECT_EQ(r.entry.tenant_id, "b");
    }
    EXPECT_TRUE(listAll(scopeOf("a' OR tenant_id = 'b"), {}).empty());

    const auto all = listAll(allTenants(), {});
    std::set<std::string> tenants;
    for (const auto& r : all) {
        tenants.insert(r.entry.tenant_id);
    }
    EXPECT_EQ(all.size(), 15u);
    EXPECT_EQ(tenants, (std::set<std::string>{"a", "b"}));
}

TEST_F(AuditLogIntegration, BadInputIsRefusedWith400) {
    AuditFilter filter;
    filter.page_token = "garbage!";
    try {
        reader_.list(scopeOf("a"), filter);
        FAIL() << "a garbage page token was accepted";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.httpStatus(), 400);
        EXPECT_EQ(e.code(), "invalid_page_token");
    }
    filter = {};
    filter.outcome = "maybe";
    EXPECT_THROW(reader_.list(scopeOf("a"), filter), ApiError);
    EXPECT_THROW(reader_.verify(allTenants()), ApiError);
}

TEST_F(AuditLogIntegration, IntactChainsVerifyAcrossRestartsAndRedeliveries) {
    recordSample(*log_);
    waitDelivered();
    worker_->stop(std::chrono::milliseconds(0));
    openWal();  // a restart: a new process starts new chains
    startDelivery();
    log_->record(entry("a", kBaseMs + 60000, "alice@a.test", "apikey.revoke", "allowed"));
    waitDelivered();

    // An insert repeated after an unknown outcome duplicates rows; that is not tampering.
    const auto some = reader_.list(scopeOf("a"), {}).entries;
    std::string rows;
    AuditRowCodec::encode(std::span(some).first(3), rows);
    reader_client_.insert(storage::kAuditLogTable, storage::kAuditLogColumns, "RowBinary", rows);

    const VerifyResult a = reader_.verify(scopeOf("a"));
    EXPECT_TRUE(a.ok);
    EXPECT_EQ(a.chains, 2u);
    EXPECT_EQ(a.entries, 13u);
    EXPECT_FALSE(a.first_broken);
    const VerifyResult b = reader_.verify(scopeOf("b"));
    EXPECT_TRUE(b.ok);
    EXPECT_EQ(b.entries, 3u);
    const VerifyResult none = reader_.verify(scopeOf("nobody"));
    EXPECT_TRUE(none.ok);
    EXPECT_EQ(none.entries, 0u);
}

// seq of tenant a's entry whose request_id is given, with its chain.
std::pair<std::string, uint64_t> linkOf(AuditReader& reader, const std::string& request_id) {
    AuditFilter filter;
    filter.limit = 1000;
    for (const auto& r : reader.list(scopeOf("a"), filter).entries) {
        if (r.entry.request_id == request_id) {
            return {r.chain_id, r.seq};
        }
    }
    throw std::runtime_error("no entry " + request_id);
}

TEST_F(AuditLogIntegration, AnEditedRowIsReported) {
    recordSample(*log_);
    waitDelivered();
    mutateAndWait(SqlBuilder("ALTER TABLE ")
                      .identifier(storage::kAuditLogTable)
                      .sql(" UPDATE outcome = 'allowed' WHERE tenant_id = 'a' AND seq = 5"));
    const VerifyResult result = reader_.verify(scopeOf("a"));
    EXPECT_FALSE(result.ok);
    ASSERT_TRUE(result.first_broken);
    EXPECT_EQ(result.first_broken->seq, 5u);
    EXPECT_EQ(result.first_broken->reason, "hash_mismatch");
    EXPECT_TRUE(reader_.verify(scopeOf("b")).ok);
}

TEST_F(AuditLogIntegration, ADeletedRowIsReported) {
    recordSample(*log_);
    waitDelivered();
    mutateAndWait(SqlBuilder("ALTER TABLE ")
                      .identifier(storage::kAuditLogTable)
                      .sql(" DELETE WHERE tenant_id = 'a' AND seq IN (6, 7)"));
    ASSERT_EQ(rowCount(), 13u);
    const VerifyResult result = reader_.verify(scopeOf("a"));
    EXPECT_FALSE(result.ok);
    ASSERT_TRUE(result.first_broken);
    EXPECT_EQ(result.first_broken->seq, 6u);
    EXPECT_EQ(result.first_broken->reason, "missing_seq");
    EXPECT_EQ(result.first_broken->chain_id, linkOf(reader_, "req-1712750405007").first);
}

TEST_F(AuditLogIntegration, AForgedRowWithAValidHashIsReported) {
    recordSample(*log_);
    waitDelivered();
    // Someone with write access replaces seq 8 by a version that hides the denial, recomputing
    // its hash: the next entry's prev_hash no longer matches.
    mutateAndWait(SqlBuilder("ALTER TABLE ")
                      .identifier(storage::kAuditLogTable)
                      .sql(" DELETE WHERE tenant_id = 'a' AND seq = 8"));
    AuditFilter filter;
    filter.limit = 1000;
    std::vector<AuditRecord> forged;
    for (const auto& r : listAll(scopeOf("a"), filter)) {
        if (r.seq == 7) {
            forged.push_back(r);
        }
    }
    ASSERT_EQ(forged.size(), 1u);
    forged[0].seq = 8;
    forged[0].prev_hash = forged[0].hash;
    forged[0].entry.outcome = "allowed";
    forged[0].hash = AuditChain::computeHash(forged[0]);
    std::string rows;
    AuditRowCodec::encode(forged, rows);
    reader_client_.insert(storage::kAuditLogTable, storage::kAuditLogColumns, "RowBinary", rows);

    const VerifyResult result = reader_.verify(scopeOf("a"));
    ASSERT_TRUE(result.first_broken);
    EXPECT_EQ(result.first_broken->seq, 9u);
    EXPECT_EQ(result.first_broken->reason, "bad_prev_hash");
}

// ClickHouse unreachable while entries are recorded and the process restarts: the entries wait
// in the WAL and arrive once it is back. (The shared test instance is not stopped; the first
// delivery worker talks to a port where nothing listens.)
TEST_F(AuditLogIntegration, EntriesSurviveAClickHouseOutageAndARestart) {
    worker_->stop(std::chrono::milliseconds(0));
    storage::ClickHouseOptions down = db_.options();
    down.url = "http://127.0.0.1:1";
    down.connect_timeout = std::chrono::milliseconds(100);
    storage::ClickHouseClient down_client(down);
    storage::ClickHouseRowSink down_sink(down_client);
    wal::DeliveryOptions options;
    options.max_delay = std::chrono::milliseconds(10);
    options.initial_backoff = std::chrono::milliseconds(10);
    wal::DeliveryWorker failing(*wal_, down_sink, options);
    failing.start();

    recordSample(*log_);
    ASSERT_TRUE(waitFor([&failing] { return failing.insertErrors() > 0; }));
    failing.stop(std::chrono::milliseconds(0));
    EXPECT_EQ(rowCount(), 0u);

    openWal();  // the process restarts with the entries still undelivered
    startDelivery();
    waitDelivered();
    EXPECT_EQ(rowCount(), 15u);
    EXPECT_TRUE(reader_.verify(scopeOf("a")).ok);
}

}  // namespace
}  // namespace infrasage::audit
