// Checkpoint: a restored table continues exactly like an uninterrupted one; anything damaged,
// truncated or foreign is refused whole and leaves the table untouched.
#include <gtest/gtest.h>

#include <fstream>

#include "TestSeries.h"
#include "support/TestEnv.h"
#include "watchdog/Checkpoint.h"

namespace infrasage::watchdog {
namespace {

constexpr int64_t kStep = 60;
constexpr int64_t kStart = 1'700'000'040;
const CheckpointIdentity kIdentity{ShardSpec(1, 3), kStep};

detect::EnsembleOptions ensembleOptions() {
    detect::EnsembleOptions o;
    o.filter.cooldown_seconds = 600;
    o.warmup_seconds = 1800;  // report within these short series (the default waits a day)
    return o;
}

// Three series fed `n` points each, the third with a spike at point 80 (so the cooldown state is
// set), watermark after the last bucket.
SeriesStateTable fedTable(size_t n) {
    SeriesStateTable table(ensembleOptions(), 100);
    SeriesBatch batch;
    for (int s = 0; s < 3; ++s) {
        SeriesKey key{"tenant-" + std::to_string(s % 2), "svc", "m" + std::to_string(s)};
        for (size_t i = 0; i < n; ++i) {
            double v = test::noisyValue(i * 7 + static_cast<size_t>(s));
            if (s == 2 && i == 80) {
                v += 60;
            }
            batch.add(key, {kStart + static_cast<int64_t>(i) * kStep, v});
        }
    }
    std::vector<storage::AnomalyRow> anomalies;
    table.feed(batch, anomalies);
    table.setWatermark(kStart + static_cast<int64_t>(n) * kStep);
    return table;
}

void expectSameOutput(const detect::DetectorOutput& a, const detect::DetectorOutput& b) {
    EXPECT_EQ(a.anomaly_score, b.anomaly_score);
    EXPECT_EQ(a.expected, b.expected);
    EXPECT_EQ(a.lower, b.lower);
    EXPECT_EQ(a.upper, b.upper);
    EXPECT_EQ(a.z_score, b.z_score);
    EXPECT_EQ(a.is_anomaly, b.is_anomaly);
    EXPECT_EQ(a.detector, b.detector);
}

TEST(CheckpointTest, RestoredTableContinuesLikeTheUninterruptedOne) {
    auto original = fedTable(90);
    SeriesStateTable restored(ensembleOptions(), 100);
    Checkpoint::decode(Checkpoint::encode(original, kIdentity), kIdentity, restored);

    ASSERT_EQ(restored.size(), original.size());
    EXPECT_EQ(restored.watermark(), original.watermark());
    for (const auto& [key, state] : original.series()) {
        const auto* copy = restored.find(key);
        ASSERT_NE(copy, nullptr) << key.metric_name;
        EXPECT_EQ(copy->last_bucket, state.last_bucket);
    }
    // Continue both tables with the same batch: identical anomalies and identical outputs.
    SeriesBatch next;
    for (const auto& [key, state] : original.series()) {
        for (int64_t i = 0; i < 20; ++i) {
            double v = test::noisyValue(static_cast<uint64_t>(1000 + i));
            if (i == 15) {
                v += 80;
            }
            next.add(key, {state.last_bucket + (i + 1) * kStep, v});
        }
    }
    std::vector<storage::AnomalyRow> a;
    std::vector<storage::AnomalyRow> b;
    original.feed(next, a);
    restored.feed(next, b);
    ASSERT_EQ(a.size(), b.size());
    EXPECT_FALSE(a.empty());
    for (size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].anomaly_id, b[i].anomaly_id);
        EXPECT_EQ(a[i].anomaly_score, b[i].anomaly_score);
        EXPECT_EQ(a[i].expected, b[i].expected);
        EXPECT_EQ(a[i].upper, b[i].upper);
    }
}

TEST(CheckpointTest, DetectorStateRoundTripsBitForBit) {
    auto original = fedTable(70);
    SeriesStateTable restored(ensembleOptions(), 100);
    Checkpoint::decode(Checkpoint::encode(original, kIdentity), kIdentity, restored);
    for (const auto& [key, state] : original.series()) {
        detect::StateWriter a;
        detect::StateWriter b;
        state.detector.save(a);
        restored.find(key)->detector.save(b);
        EXPECT_EQ(a.bytes(), b.bytes());
    }
    // And the next point judged by a detector loaded on its own matches too.
    const auto& [key, state] = *original.series().begin();
    detect::Ensemble live(ensembleOptions());
    detect::Ensemble loaded(ensembleOptions());
    detect::StateWriter saved;
    state.detector.save(saved);
    detect::StateReader r1(saved.bytes());
    detect::StateReader r2(saved.bytes());
    live.load(r1);
    loaded.load(r2);
    expectSameOutput(live.update({state.last_bucket + kStep, 150}),
                     loaded.update({state.last_bucket + kStep, 150}));
}

TEST(CheckpointTest, EmptyTableWithoutWatermarkRoundTrips) {
    SeriesStateTable empty(ensembleOptions(), 10);
    SeriesStateTable restored(ensembleOptions(), 10);
    restored.setWatermark(5);
    Checkpoint::decode(Checkpoint::encode(empty, kIdentity), kIdentity, restored);
    EXPECT_EQ(restored.size(), 0u);
    EXPECT_FALSE(restored.watermark().has_value());
}

TEST(CheckpointTest, EveryTruncationIsRefusedAndLeavesTheTableUntouched) {
    auto bytes = Checkpoint::encode(fedTable(40), kIdentity);
    auto target = fedTable(5);
    auto watermark = target.watermark();
    for (size_t length = 0; length < bytes.size(); ++length) {
        EXPECT_THROW(
            Checkpoint::decode(std::string_view(bytes).substr(0, length), kIdentity, target),
            CheckpointError)
            << length;
    }
    EXPECT_EQ(target.size(), 3u);
    EXPECT_EQ(target.watermark(), watermark);
}

TEST(CheckpointTest, AnyFlippedByteIsRefused) {
    auto bytes = Checkpoint::encode(fedTable(40), kIdentity);
    SeriesStateTable target(ensembleOptions(), 100);
    for (size_t i = 0; i < bytes.size(); i += 7) {
        auto damaged = bytes;
        damaged[i] = static_cast<char>(damaged[i] ^ 0x20);
        EXPECT_THROW(Checkpoint::decode(damaged, kIdentity, target), CheckpointError) << i;
    }
    EXPECT_EQ(target.size(), 0u);
}

TEST(CheckpointTest, AnotherShardOrStepIsRefused) {
    auto bytes = Checkpoint::encode(fedTable(10), kIdentity);
    SeriesStateTable target(ensembleOptions(), 100);
    EXPECT_THROW(Checkpoint::decode(bytes, {ShardSpec(0, 3), kStep}, target), CheckpointError);
    EXPECT_THROW(Checkpoint::decode(bytes, {ShardSpec(1, 2), kStep}, target), CheckpointError);
    EXPECT_THROW(Checkpoint::decode(bytes, {ShardSpec(1, 3), 300}, target), CheckpointError);
    EXPECT_NO_THROW(Checkpoint::decode(bytes, kIdentity, target));
}

TEST(CheckpointTest, FileSaveIsAtomicAndLoadReportsWhatHappened) {
    auto dir = testing::makeTempDir("watchdog-ckpt");
    Checkpoint checkpoint(dir / "nested" / "shard.ckpt", kIdentity);
    SeriesStateTable table(ensembleOptions(), 100);
    EXPECT_EQ(checkpoint.load(table), Checkpoint::LoadResult::Missing);

    auto original = fedTable(50);
    auto size = checkpoint.save(original);
    EXPECT_EQ(size, std::filesystem::file_size(checkpoint.path()));
    EXPECT_FALSE(std::filesystem::exists(dir / "nested" / "shard.ckpt.tmp"));
    EXPECT_EQ(checkpoint.load(table), Checkpoint::LoadResult::Loaded);
    EXPECT_EQ(table.size(), 3u);

    std::filesystem::resize_file(checkpoint.path(), size / 2);
    SeriesStateTable after_crash(ensembleOptions(), 100);
    std::string reason;
    EXPECT_EQ(after_crash.size(), 0u);
    EXPECT_EQ(checkpoint.load(after_crash, &reason), Checkpoint::LoadResult::Refused);
    EXPECT_NE(reason.find("checksum"), std::string::npos) << reason;
    EXPECT_EQ(after_crash.size(), 0u);

    std::ofstream(checkpoint.path(), std::ios::trunc) << "not a checkpoint at all";
    EXPECT_EQ(checkpoint.load(after_crash, &reason), Checkpoint::LoadResult::Refused);
    EXPECT_NE(reason.find("magic"), std::string::npos) << reason;
}

}  // namespace
}  // namespace infrasage::watchdog
