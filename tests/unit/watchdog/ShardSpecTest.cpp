// ShardSpec: "i/n" parsing, refusal of everything else, and the SQL condition per shard.
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

#include "watchdog/ShardSpec.h"

namespace infrasage::watchdog {
namespace {

TEST(ShardSpecTest, ParsesIndexAndCount) {
    auto shard = ShardSpec::parse("3/8");
    EXPECT_EQ(shard.index(), 3u);
    EXPECT_EQ(shard.count(), 8u);
    EXPECT_EQ(shard.toString(), "3/8");
    EXPECT_FALSE(shard.whole());
    EXPECT_TRUE(ShardSpec::parse("0/1").whole());
    EXPECT_EQ(ShardSpec(), ShardSpec::parse("0/1"));
}

TEST(ShardSpecTest, RefusesMalformedOrOutOfRange) {
    for (const char* text : {"", "1", "/", "1/", "/2", "2/2", "5/2", "1/0", "a/b", " 1/2", "1/2 ",
                             "-1/2", "1/-2", "1/2/3", "0x1/2", "1.0/2", "0/99999"}) {
        EXPECT_THROW(ShardSpec::parse(text), std::invalid_argument) << text;
    }
}

TEST(ShardSpecTest, WholeSpaceAddsNoCondition) {
    storage::SqlBuilder sql("WHERE 1");
    ShardSpec().appendCondition(sql);
    EXPECT_EQ(sql.str(), "WHERE 1");
}

TEST(ShardSpecTest, ConditionSelectsOneResidueOfTheSeriesHash) {
    storage::SqlBuilder sql("WHERE 1");
    ShardSpec(1, 4).appendCondition(sql);
    EXPECT_EQ(sql.str(), "WHERE 1 AND cityHash64(tenant_id, service_id, metric_name) % 4 = 1");
}

TEST(ShardSpecTest, ShardsOfOneCountHaveDistinctConditions) {
    // Together the n conditions are "hash % n = 0" .. "hash % n = n-1": a partition of the space.
    std::set<std::string> conditions;
    for (uint32_t i = 0; i < 5; ++i) {
        storage::SqlBuilder sql;
        ShardSpec(i, 5).appendCondition(sql);
        conditions.insert(sql.str());
    }
    EXPECT_EQ(conditions.size(), 5u);
}

}  // namespace
}  // namespace infrasage::watchdog
