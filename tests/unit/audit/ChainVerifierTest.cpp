#include <gtest/gtest.h>

#include <algorithm>

#include "AuditTestUtil.h"
#include "audit/AuditChain.h"
#include "audit/ChainVerifier.h"

namespace infrasage::audit {
namespace {

using testing::sampleEntry;

// `count` records of one tenant on one chain.
std::vector<AuditRecord> chainOf(std::size_t count, AuditChain& chain) {
    std::vector<AuditRecord> records(count);
    for (std::size_t i = 0; i < count; ++i) {
        records[i].entry = sampleEntry();
        records[i].entry.request_id = "req-" + std::to_string(i);
    }
    chain.link(records);
    return records;
}

// Sorted as the reader delivers them: by (chain_id, seq).
VerifyResult verify(std::vector<AuditRecord> records) {
    std::stable_sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
        return std::tie(a.chain_id, a.seq) < std::tie(b.chain_id, b.seq);
    });
    ChainVerifier verifier;
    for (const auto& r : records) {
        verifier.add(r);
    }
    return verifier.result();
}

TEST(ChainVerifierTest, IntactChainsVerify) {
    AuditChain first;
    AuditChain second;  // a restart: a second chain for the same tenant
    auto records = chainOf(5, first);
    auto more = chainOf(3, second);
    records.insert(records.end(), more.begin(), more.end());
    const VerifyResult result = verify(records);
    EXPECT_TRUE(result.ok);
    EXPECT_EQ(result.chains, 2u);
    EXPECT_EQ(result.entries, 8u);
    EXPECT_FALSE(result.first_broken);
}

TEST(ChainVerifierTest, NoRowsIsOk) {
    const VerifyResult result = verify({});
    EXPECT_TRUE(result.ok);
    EXPECT_EQ(result.chains, 0u);
}

TEST(ChainVerifierTest, AnEditedRowIsAHashMismatch) {
    AuditChain chain;
    auto records = chainOf(5, chain);
    records[2].entry.outcome = "denied";
    const VerifyResult result = verify(records);
    EXPECT_FALSE(result.ok);
    EXPECT_EQ(result.first_broken, (BrokenLink{records[2].chain_id, 2, "hash_mismatch"}));
    EXPECT_EQ(result.entries, 5u);
}

TEST(ChainVerifierTest, AnEditedRowWithARecomputedHashBreaksTheNextLink) {
    AuditChain chain;
    auto records = chainOf(5, chain);
    records[2].entry.actor = "someone-else";
    records[2].hash = AuditChain::computeHash(records[2]);
    EXPECT_EQ(verify(records).first_broken, (BrokenLink{records[2].chain_id, 3, "bad_prev_hash"}));
}

TEST(ChainVerifierTest, ADeletedRowIsAMissingSeq) {
    AuditChain chain;
    auto records = chainOf(5, chain);
    records.erase(records.begin() + 1, records.begin() + 3);
    EXPECT_EQ(verify(records).first_broken, (BrokenLink{records[0].chain_id, 1, "missing_seq"}));
}

TEST(ChainVerifierTest, ADeletedHeadIsAChainThatStartsLate) {
    AuditChain chain;
    auto records = chainOf(3, chain);
    records.erase(records.begin());
    EXPECT_EQ(verify(records).first_broken,
              (BrokenLink{records[0].chain_id, 0, "chain_starts_late"}));
}

TEST(ChainVerifierTest, ReorderedRowsAreDetected) {
    AuditChain chain;
    auto records = chainOf(4, chain);
    std::swap(records[1].seq, records[2].seq);  // claim the other order
    EXPECT_EQ(verify(records).first_broken, (BrokenLink{records[0].chain_id, 1, "hash_mismatch"}));
}

TEST(ChainVerifierTest, ExactDuplicatesFromRedeliveryAreNotTampering) {
    AuditChain chain;
    auto records = chainOf(3, chain);
    records.push_back(records[1]);
    const VerifyResult result = verify(records);
    EXPECT_TRUE(result.ok);
    EXPECT_EQ(result.entries, 3u);
}

TEST(ChainVerifierTest, AForgedRowBesideARealOneIsADuplicateSeq) {
    AuditChain chain;
    auto records = chainOf(3, chain);
    AuditRecord forged = records[1];
    forged.entry.action = "nothing.to.see";
    forged.hash = AuditChain::computeHash(forged);
    records.push_back(forged);
    EXPECT_EQ(verify(records).first_broken, (BrokenLink{records[0].chain_id, 1, "duplicate_seq"}));
}

TEST(ChainVerifierTest, AFirstRowWithAPrevHashIsABadLink) {
    AuditChain chain;
    auto records = chainOf(2, chain);
    records[0].prev_hash = records[1].hash;
    records[0].hash = AuditChain::computeHash(records[0]);
    EXPECT_EQ(verify(records).first_broken, (BrokenLink{records[0].chain_id, 0, "bad_prev_hash"}));
}

TEST(ChainVerifierTest, OnlyTheFirstBreakIsReportedAndCountingContinues) {
    AuditChain chain;
    auto records = chainOf(6, chain);
    records[1].entry.status = 500;
    records.erase(records.begin() + 4);
    const VerifyResult result = verify(records);
    EXPECT_EQ(result.first_broken, (BrokenLink{records[0].chain_id, 1, "hash_mismatch"}));
    EXPECT_EQ(result.entries, 5u);
}

}  // namespace
}  // namespace infrasage::audit
