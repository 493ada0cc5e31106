// Hostile strings go through SqlBuilder into a real INSERT ... VALUES and come back byte-identical;
// none of them changes the statement.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "storage/SqlLiteral.h"
#include "support/ClickHouseTestEnv.h"

namespace infrasage::storage {
namespace {

using namespace std::string_literals;

// Strings of a single-column RowBinary result: LEB128 length + bytes each.
std::vector<std::string> parseRowBinaryStrings(std::string_view data) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < data.size()) {
        uint64_t length = 0;
        int shift = 0;
        while (true) {
            const auto byte = static_cast<uint8_t>(data.at(pos++));
            length |= static_cast<uint64_t>(byte & 0x7f) << shift;
            if ((byte & 0x80) == 0) {
                break;
            }
            shift += 7;
        }
        out.emplace_back(data.substr(pos, length));
        pos += length;
    }
    return out;
}

std::vector<std::string> hostileStrings() {
    std::string every_byte;
    for (int b = 0; b < 256; ++b) {
        every_byte += static_cast<char>(b);
    }
    return {"'; DROP TABLE x; --"s,
            "\\'"s,
            "\\"s,
            "\\\\'\\"s,
            "a\0b"s,
            "\0"s,
            "line1\nline2\r\n\ttab"s,
            "héllo ✓ 日本語 🚀"s,
            "' OR 1=1"s,
            "' OR '1'='1' --"s,
            "`x`; DROP DATABASE default"s,
            "\xff\xfe not utf-8"s,
            "x'), (999, 'injected"s,
            ""s,
            every_byte};
}

TEST(StorageSqlInjection, HostileStringsRoundTripByteIdentical) {
    testing::ScratchDatabase db("infrasage_it_storage_injection");
    auto& client = db.client();
    client.queryWithoutDatabase(SqlBuilder("CREATE DATABASE ").identifier(db.name()).str());
    client.query(SqlBuilder("CREATE TABLE ")
                     .qualified(db.name(), "x")
                     .sql(" (id UInt32, s String) ENGINE = MergeTree() ORDER BY id")
                     .str());

    const auto hostile = hostileStrings();
    for (std::size_t i = 0; i < hostile.size(); ++i) {
        client.query(SqlBuilder("INSERT INTO ")
                         .qualified(db.name(), "x")
                         .sql(" (id, s) VALUES (")
                         .unsignedInteger(i)
                         .sql(", ")
                         .string(hostile[i])
                         .sql(")")
                         .str());
    }

    const auto stored =
        parseRowBinaryStrings(client.query("SELECT s FROM x ORDER BY id FORMAT RowBinary"));
    ASSERT_EQ(stored.size(), hostile.size());
    for (std::size_t i = 0; i < hostile.size(); ++i) {
        EXPECT_EQ(stored[i], hostile[i]) << "string #" << i;
    }

    // The same literals are equally inert in a WHERE clause: each matches exactly its own row.
    for (std::size_t i = 0; i < hostile.size(); ++i) {
        const auto ids = client.query(
            SqlBuilder("SELECT id FROM x WHERE s = ").string(hostile[i]).sql(" FORMAT TSV").str());
        EXPECT_EQ(ids, std::to_string(i) + "\n") << "string #" << i;
    }

    EXPECT_EQ(client.query(SqlBuilder("SELECT count() FROM system.tables WHERE database = ")
                               .string(db.name())
                               .sql(" AND name = 'x' FORMAT TSV")
                               .str()),
              "1\n");
    EXPECT_EQ(client.query("SELECT count() FROM x FORMAT TSV"),
              std::to_string(hostile.size()) + "\n");
}

}  // namespace
}  // namespace infrasage::storage
