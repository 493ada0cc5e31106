#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "storage/SampleRowOrder.h"

namespace infrasage::storage {
namespace {

struct SampleRow {
    std::string tenant;
    uint64_t series = 0;
    uint32_t seconds = 0;
    uint16_t millis = 0;
    double value = 0;

    auto key() const { return std::tie(tenant, series, seconds, millis); }
};

void appendLittleEndian(std::string& out, uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) {
        out += static_cast<char>(static_cast<uint8_t>(value >> (8 * i)));
    }
}

// Written independently of the code under test: the RowBinary of kSampleColumnList.
std::string encode(const std::vector<SampleRow>& rows) {
    std::string out;
    for (const auto& row : rows) {
        uint64_t length = row.tenant.size();
        do {
            out += static_cast<char>((length & 0x7f) | (length >= 0x80 ? 0x80 : 0));
            length >>= 7;
        } while (length != 0);
        out += row.tenant;
        appendLittleEndian(out, row.series, 8);
        appendLittleEndian(out, row.seconds, 4);
        appendLittleEndian(out, row.millis, 2);
        appendLittleEndian(out, std::bit_cast<uint64_t>(row.value), 8);
    }
    return out;
}

TEST(SampleRowOrderTest, SortsRowsByTenantThenSeriesThenTime) {
    const std::vector<SampleRow> rows = {
        {"tenant-b", 1, 100, 0, 1.0}, {"tenant-a", 9, 100, 0, 2.0},   {"tenant-a", 2, 200, 5, 3.0},
        {"tenant-a", 2, 200, 1, 4.0}, {"tenant-a", 2, 100, 999, 5.0}, {"tenant-b", 0, 300, 0, 6.0},
    };
    const auto sorted = sampleRowsInKeyOrder(encode(rows));
    ASSERT_TRUE(sorted.has_value());
    const std::vector<SampleRow> expected = {
        {"tenant-a", 2, 100, 999, 5.0}, {"tenant-a", 2, 200, 1, 4.0}, {"tenant-a", 2, 200, 5, 3.0},
        {"tenant-a", 9, 100, 0, 2.0},   {"tenant-b", 0, 300, 0, 6.0}, {"tenant-b", 1, 100, 0, 1.0},
    };
    EXPECT_EQ(*sorted, encode(expected));
}

// ClickHouse compares Strings bytewise: "Z" < "a", and a prefix sorts first.
TEST(SampleRowOrderTest, OrdersTenantsBytewiseAsClickHouseDoes) {
    const std::vector<SampleRow> rows = {
        {"ab", 1, 1, 0, 0}, {"a", 1, 1, 0, 0}, {"Z", 1, 1, 0, 0}, {"a\xff", 1, 1, 0, 0}};
    const auto sorted = sampleRowsInKeyOrder(encode(rows));
    ASSERT_TRUE(sorted.has_value());
    EXPECT_EQ(*sorted, encode({rows[2], rows[1], rows[0], rows[3]}));
}

TEST(SampleRowOrderTest, EqualKeysKeepArrivalOrder) {
    const std::vector<SampleRow> rows = {
        {"t", 7, 5, 5, 1.0}, {"t", 3, 5, 5, 2.0}, {"t", 7, 5, 5, 3.0}, {"t", 7, 5, 5, 4.0}};
    const auto sorted = sampleRowsInKeyOrder(encode(rows));
    ASSERT_TRUE(sorted.has_value());
    EXPECT_EQ(*sorted, encode({rows[1], rows[0], rows[2], rows[3]}));
}

TEST(SampleRowOrderTest, LeavesSortedAndEmptyBlocksAlone) {
    EXPECT_FALSE(sampleRowsInKeyOrder(encode({{"a", 1, 1, 0, 0}, {"a", 1, 2, 0, 0}})));
    EXPECT_FALSE(sampleRowsInKeyOrder(""));
}

TEST(SampleRowOrderTest, LeavesMalformedBlocksToClickHouse) {
    const std::string two = encode({{"b", 1, 1, 0, 0}, {"a", 1, 1, 0, 0}});
    EXPECT_TRUE(sampleRowsInKeyOrder(two));
    EXPECT_FALSE(sampleRowsInKeyOrder(two.substr(0, two.size() - 1)));  // truncated value
    EXPECT_FALSE(sampleRowsInKeyOrder(two + "\x05"));                   // string past the end
    EXPECT_FALSE(sampleRowsInKeyOrder(two + std::string(11, '\x80')));  // endless LEB128
}

// Long tenant names (two-byte LEB128 lengths), many tenants and series, shuffled: the result is
// the reference sort of the same rows, byte for byte. Small series ids all share their top bits
// (a few large buckets); hash-like ids spread over many small ones.
void expectReferenceOrder(uint64_t series_count, bool hashed_ids) {
    std::mt19937_64 random(42);
    std::vector<uint64_t> ids(series_count);
    for (uint64_t i = 0; i < series_count; ++i) {
        ids[i] = hashed_ids ? random() : i;
    }
    std::vector<SampleRow> rows;
    for (int i = 0; i < 5000; ++i) {
        const auto tenant = random() % 5;
        rows.push_back({std::string(tenant == 0 ? 200 : 3, static_cast<char>('a' + tenant)),
                        ids[random() % series_count],
                        static_cast<uint32_t>(1700000000 + random() % 4),
                        static_cast<uint16_t>(random() % 1000), static_cast<double>(i)});
    }
    const auto sorted = sampleRowsInKeyOrder(encode(rows));
    ASSERT_TRUE(sorted.has_value());
    std::stable_sort(rows.begin(), rows.end(),
                     [](const SampleRow& a, const SampleRow& b) { return a.key() < b.key(); });
    EXPECT_EQ(*sorted, encode(rows));
}

TEST(SampleRowOrderTest, MatchesAReferenceSortWithSmallSeriesIds) {
    expectReferenceOrder(300, false);
}

TEST(SampleRowOrderTest, MatchesAReferenceSortWithHashedSeriesIds) {
    expectReferenceOrder(1000, true);
    expectReferenceOrder(4, true);
}

}  // namespace
}  // namespace infrasage::storage
