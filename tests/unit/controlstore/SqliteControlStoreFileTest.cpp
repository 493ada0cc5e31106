// The control store as a file shared between processes: pragmas, migrations, reopening, two
// stores on one file (server and admin CLI) and concurrent writers.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <latch>
#include <stdexcept>
#include <thread>

#include "controlstore/ControlStoreMigrations.h"
#include "controlstore/SqliteConnection.h"
#include "controlstore/SqliteControlStore.h"
#include "unit/controlstore/ControlStoreTestUtil.h"

namespace infrasage::controlstore {
namespace {

using test::makeKey;
using test::makeTenant;
using test::makeToken;
using test::makeUser;

int64_t queryInt(const std::filesystem::path& path, const std::string& query) {
    SqliteConnection connection(path.string());
    SqliteStatement statement = connection.prepare(query);
    EXPECT_TRUE(statement.step());
    return statement.int64(0);
}

TEST(SqliteControlStoreFileTest, CreatesPrivateFileInWalModeUnderMissingDirectories) {
    auto path = test::storePath("controlstore-file");
    ASSERT_FALSE(std::filesystem::exists(path.parent_path()));
    auto store = openSqliteControlStore(path.string());
    ASSERT_TRUE(std::filesystem::exists(path));
    struct stat info {};
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600U);
    SqliteConnection inspector(path.string());
    EXPECT_EQ(inspector.queryText("PRAGMA journal_mode"), "wal");
}

const int kLatest = controlStoreMigrations().back().version;

TEST(SqliteControlStoreFileTest, MigrationsRunOnceAcrossReopens) {
    auto path = test::storePath("controlstore-migrate");
    {
        auto store = openSqliteControlStore(path.string());
        EXPECT_EQ(store->migrate(), kLatest);
    }
    auto reopened = openSqliteControlStore(path.string());
    EXPECT_EQ(reopened->migrate(), kLatest);
    EXPECT_EQ(queryInt(path, "SELECT COUNT(*) FROM schema_migrations"), kLatest);
    EXPECT_EQ(queryInt(path, "SELECT MAX(version) FROM schema_migrations"), kLatest);
}

TEST(SqliteControlStoreFileTest, AuditOutboxKeepsEntriesInOrderUntilRemoved) {
    auto path = test::storePath("controlstore-outbox");
    auto store = openSqliteControlStore(path.string());
    store->enqueueAuditEntry(R"({"n":1})", 100);
    store->enqueueAuditEntry(R"({"n":2})", 101);
    store->enqueueAuditEntry(R"({"n":3})", 102);
    auto pending = store->pendingAuditEntries(2);
    ASSERT_EQ(pending.size(), 2u);
    EXPECT_EQ(pending[0].second, R"({"n":1})");
    EXPECT_EQ(pending[1].second, R"({"n":2})");
    store->removeAuditEntries({pending[0].first, pending[1].first});
    auto reopened = openSqliteControlStore(path.string());  // e.g. the CLI wrote, the server reads
    auto rest = reopened->pendingAuditEntries(10);
    ASSERT_EQ(rest.size(), 1u);
    EXPECT_EQ(rest[0].second, R"({"n":3})");
}

TEST(SqliteControlStoreFileTest, RefusesASchemaNewerThanTheBuild) {
    auto path = test::storePath("controlstore-newer");
    openSqliteControlStore(path.string());
    SqliteConnection(path.string())
        .exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)");
    EXPECT_THROW(openSqliteControlStore(path.string()), std::runtime_error);
}

TEST(SqliteControlStoreFileTest, PathThatIsADirectoryThrows) {
    auto dir = infrasage::testing::makeTempDir("controlstore-dir");
    EXPECT_THROW(openSqliteControlStore(dir.string()), std::runtime_error);
}

TEST(SqliteControlStoreFileTest, ReopenedFileKeepsData) {
    auto path = test::storePath("controlstore-reopen");
    {
        auto store = openSqliteControlStore(path.string());
        ASSERT_TRUE(store->createTenant(makeTenant("acme")));
        ASSERT_TRUE(store->createUser(makeUser("usr_1", "acme", "a@acme.test")));
        store->createApiKey(makeKey("isage_key_1", "acme"));
        ASSERT_TRUE(store->revokeApiKey("acme", "isage_key_1", 100));
    }
    auto store = openSqliteControlStore(path.string());
    EXPECT_TRUE(store->tenant("acme").has_value());
    EXPECT_EQ(store->userByEmail("a@acme.test")->id, "usr_1");
    EXPECT_EQ(store->apiKey("acme", "isage_key_1")->revoked_at, std::optional<int64_t>(100));
}

TEST(SqliteControlStoreFileTest, TwoStoresOnOneFileSeeEachOthersWrites) {
    auto path = test::storePath("controlstore-shared");
    auto server = openSqliteControlStore(path.string());
    auto cli = openSqliteControlStore(path.string());
    ASSERT_TRUE(cli->createTenant(makeTenant("acme")));
    ASSERT_TRUE(server->tenant("acme").has_value());
    EXPECT_FALSE(server->createTenant(makeTenant("acme")));

    server->createApiKey(makeKey("isage_key_1", "acme"));
    ASSERT_TRUE(cli->revokeApiKey("acme", "isage_key_1", 100));
    EXPECT_EQ(server->apiKeyByHash("hash-isage_key_1")->revoked_at, std::optional<int64_t>(100));
    EXPECT_EQ(server->apiKeysRevokedSince(100), std::vector<std::string>{"isage_key_1"});
}

// Eight threads on two stores (two connections, as server and CLI processes would have) write at
// once: SQLite's file lock plus busy_timeout must serialise them without an error.
TEST(SqliteControlStoreFileTest, ConcurrentWritersOnTwoStoresAllSucceed) {
    auto path = test::storePath("controlstore-concurrent");
    std::unique_ptr<ControlStore> stores[] = {openSqliteControlStore(path.string()),
                                              openSqliteControlStore(path.string())};
    constexpr int kThreads = 8;
    constexpr int kKeysPerThread = 20;
    std::latch start(kThreads);
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            ControlStore& store = *stores[t % 2];
            std::string tenant = "tenant-" + std::to_string(t);
            start.arrive_and_wait();
            try {
                if (!store.createTenant(makeTenant(tenant))) {
                    failures.fetch_add(1);
                }
                for (int k = 0; k < kKeysPerThread; ++k) {
                    std::string id = "isage_key_" + std::to_string(t) + "_" + std::to_string(k);
                    store.createApiKey(makeKey(id, tenant));
                    store.touchApiKeys({{id, k + 1}});
                    if (!store.rotateApiKey(tenant, id, makeKey(id + "_r", tenant), k + 1)) {
                        failures.fetch_add(1);
                    }
                }
            } catch (const std::exception& error) {
                ADD_FAILURE() << error.what();
                failures.fetch_add(1);
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(failures.load(), 0);
    for (int t = 0; t < kThreads; ++t) {
        std::string tenant = "tenant-" + std::to_string(t);
        EXPECT_EQ(stores[0]->apiKeys(tenant).size(), 2U * kKeysPerThread) << tenant;
        EXPECT_EQ(stores[1]->countActiveApiKeys(tenant, 0), kKeysPerThread) << tenant;
    }
}

// The same refresh token presented from many threads on two stores at once rotates exactly once.
TEST(SqliteControlStoreFileTest, ConcurrentRotationsOfOneTokenHaveOneWinner) {
    auto path = test::storePath("controlstore-race");
    std::unique_ptr<ControlStore> stores[] = {openSqliteControlStore(path.string()),
                                              openSqliteControlStore(path.string())};
    ASSERT_TRUE(stores[0]->createTenant(makeTenant("acme")));
    ASSERT_TRUE(stores[0]->createUser(makeUser("usr_1", "acme", "a@acme.test")));
    stores[0]->createRefreshToken(makeToken("rt_0", "fam", "usr_1", "acme"));
    stores[0]->createApiKey(makeKey("isage_key_0", "acme"));

    constexpr int kThreads = 8;
    std::latch start(kThreads);
    std::atomic<int> token_wins{0};
    std::atomic<int> key_wins{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            ControlStore& store = *stores[t % 2];
            std::string suffix = std::to_string(t + 1);
            start.arrive_and_wait();
            if (store.rotateRefreshToken("rt_0", makeToken("rt_" + suffix, "fam", "usr_1", "acme"),
                                         100)) {
                token_wins.fetch_add(1);
            }
            if (store.rotateApiKey("acme", "isage_key_0", makeKey("isage_key_" + suffix, "acme"),
                                   100)) {
                key_wins.fetch_add(1);
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(token_wins.load(), 1);
    EXPECT_EQ(key_wins.load(), 1);
    int stored_successors = 0;
    for (int t = 1; t <= kThreads; ++t) {
        if (stores[1]->refreshTokenByHash("rt-hash-rt_" + std::to_string(t))) {
            ++stored_successors;
        }
    }
    EXPECT_EQ(stored_successors, 1);
    EXPECT_EQ(stores[1]->apiKeys("acme").size(), 2U);
}

}  // namespace
}  // namespace infrasage::controlstore
