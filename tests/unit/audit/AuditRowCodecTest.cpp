#include <gtest/gtest.h>

#include "AuditTestUtil.h"
#include "audit/AuditChain.h"
#include "audit/AuditRowCodec.h"
#include "unit/ingest/RowBinaryReader.h"

namespace infrasage::audit {
namespace {

using testing::sampleEntry;

std::vector<AuditRecord> linkedRecords(std::size_t count) {
    std::vector<AuditRecord> records(count);
    for (std::size_t i = 0; i < count; ++i) {
        records[i].entry = sampleEntry();
        records[i].entry.timestamp_ms += static_cast<int64_t>(i);
    }
    AuditChain chain;
    chain.link(records);
    return records;
}

// Decoded with the ingest tests' reader, written independently of the encoder, in the column
// order of storage::kAuditLogColumns.
TEST(AuditRowCodecTest, EncodesColumnsInTableOrder) {
    auto records = linkedRecords(1);
    AuditRecord& r = records[0];
    r.entry.user_agent = std::string(300, 'u');  // a two-byte LEB128 length
    r.entry.details = std::string("bytes\0\xff\n", 8);
    r.seq = 0x0102030405060708ull;
    std::string bytes;
    AuditRowCodec::encode(records, bytes);

    ingest::testing::RowBinaryReader in(bytes);
    EXPECT_EQ(in.readString(), "acme-corp");
    EXPECT_EQ(in.readUInt32(), 1712750400u);
    EXPECT_EQ(in.readLittleEndian(2), 123u);
    EXPECT_EQ(in.readString(), r.event_id);
    EXPECT_EQ(in.readString(), r.chain_id);
    EXPECT_EQ(in.readLittleEndian(8), 0x0102030405060708ull);
    EXPECT_EQ(in.readString(), "");
    EXPECT_EQ(in.readString(), r.hash);
    EXPECT_EQ(in.readString(), "alice@mycompany.com");
    EXPECT_EQ(in.readString(), "user");
    EXPECT_EQ(in.readString(), "apikey.create");
    EXPECT_EQ(in.readString(), "/api/v1/apikeys");
    EXPECT_EQ(in.readString(), "allowed");
    EXPECT_EQ(in.readLittleEndian(2), 201u);
    EXPECT_EQ(in.readString(), "10.0.0.7");
    EXPECT_EQ(in.readString(), std::string(300, 'u'));
    EXPECT_EQ(in.readString(), "req-1");
    EXPECT_EQ(in.readString(), std::string("bytes\0\xff\n", 8));
    EXPECT_TRUE(in.atEnd());
}

TEST(AuditRowCodecTest, DecodeReadsBackWhatEncodeWrote) {
    const auto records = linkedRecords(3);
    std::string bytes = "prefix";
    AuditRowCodec::encode(records, bytes);
    EXPECT_EQ(AuditRowCodec::decode(std::string_view(bytes).substr(6)), records);
}

TEST(AuditRowCodecTest, DecodeRejectsTruncatedRows) {
    std::string bytes;
    AuditRowCodec::encode(linkedRecords(1), bytes);
    for (std::size_t cut : {std::size_t{1}, std::size_t{5}, bytes.size() / 2, bytes.size() - 1}) {
        EXPECT_THROW(AuditRowCodec::decode(std::string_view(bytes).substr(0, cut)),
                     std::runtime_error)
            << cut;
    }
}

TEST(AuditRowCodecTest, TimestampsOutsideDateTimeAreRefusedAndNothingIsAppended) {
    auto records = linkedRecords(2);
    records[1].entry.timestamp_ms = -1;
    std::string bytes = "kept";
    EXPECT_THROW(AuditRowCodec::encode(records, bytes), std::invalid_argument);
    EXPECT_EQ(bytes, "kept");
    records[1].entry.timestamp_ms = AuditRowCodec::kMaxTimestampMs + 1;
    EXPECT_THROW(AuditRowCodec::encode(records, bytes), std::invalid_argument);
    records[1].entry.timestamp_ms = AuditRowCodec::kMaxTimestampMs;
    AuditRowCodec::encode(records, bytes);
    EXPECT_EQ(AuditRowCodec::decode(std::string_view(bytes).substr(4)), records);
}

}  // namespace
}  // namespace infrasage::audit
