// The ensemble's contract beyond detection quality: checkpoints restore it exactly, outputs are
// well-formed, warm-up and the incident hold apply, the filter's rules decide what is reported,
// and the state stays within 1 KiB.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "SyntheticSeries.h"
#include "detect/Ensemble.h"

namespace infrasage::detect {
namespace {

using testing::kStart;
using testing::kStep;
using testing::whiteNoise;

constexpr size_t kDay = 1440;

TEST(Ensemble, CheckpointRestoresTheDetectorExactly) {
    const auto points = whiteNoise(6 * kDay, 100.0, 1.0, 3);
    Ensemble uninterrupted;
    Ensemble first;
    for (size_t i = 0; i < 4 * kDay; ++i) {
        uninterrupted.update(points[i]);
        first.update(points[i]);
    }
    StateWriter writer;
    first.save(writer);
    Ensemble restored;
    StateReader reader(writer.bytes());
    restored.load(reader);
    EXPECT_TRUE(reader.atEnd());
    for (size_t i = 4 * kDay; i < points.size(); ++i) {
        auto p = points[i];
        if (i == 5 * kDay) {
            p.value += 50.0;  // an anomaly after the restart is judged the same way
        }
        const auto a = uninterrupted.update(p);
        const auto b = restored.update(p);
        ASSERT_EQ(a.anomaly_score, b.anomaly_score) << "at " << i;
        ASSERT_EQ(a.expected, b.expected) << "at " << i;
        ASSERT_EQ(a.is_anomaly, b.is_anomaly) << "at " << i;
    }
}

TEST(Ensemble, RefusesTruncatedAndForeignCheckpoints) {
    Ensemble ensemble;
    for (const auto& p : whiteNoise(100, 1.0, 0.1, 4)) {
        ensemble.update(p);
    }
    StateWriter writer;
    ensemble.save(writer);
    const std::string bytes = writer.take();
    for (const size_t keep : {size_t{0}, size_t{1}, bytes.size() / 2, bytes.size() - 1}) {
        Ensemble target;
        StateReader reader(std::string_view(bytes).substr(0, keep));
        EXPECT_THROW(target.load(reader), StateCodecError) << "kept " << keep << " bytes";
    }
    std::string foreign = bytes;
    foreign[0] = static_cast<char>(state_tag::kRangeNovelty);
    Ensemble target;
    StateReader reader(foreign);
    EXPECT_THROW(target.load(reader), StateCodecError);
}

TEST(Ensemble, OutputsAreWellFormed) {
    Ensemble ensemble;
    auto points = whiteNoise(3 * kDay, 10.0, 2.0, 5);
    points[2 * kDay].value = 1000.0;
    for (const auto& p : points) {
        const auto out = ensemble.update(p);
        ASSERT_GE(out.anomaly_score, 0.0);
        ASSERT_LE(out.anomaly_score, 1.0);
        ASSERT_LE(out.lower, out.expected);
        ASSERT_LE(out.expected, out.upper);
        ASSERT_FALSE(out.detector.empty());
    }
}

TEST(Ensemble, NonFiniteValuesAreNeitherJudgedNorLearnt) {
    Ensemble ensemble;
    for (const auto& p : whiteNoise(kDay + 10, 10.0, 1.0, 6)) {
        ensemble.update(p);
    }
    const auto nan =
        ensemble.update({kStart + 2 * kDay * kStep, std::numeric_limits<double>::quiet_NaN()});
    EXPECT_EQ(nan.anomaly_score, 0.0);
    EXPECT_FALSE(nan.is_anomaly);
    const auto inf =
        ensemble.update({kStart + 2 * kDay * kStep, std::numeric_limits<double>::infinity()});
    EXPECT_FALSE(inf.is_anomaly);
}

TEST(Ensemble, NothingIsReportedDuringTheFirstDay) {
    auto points = whiteNoise(2 * kDay, 10.0, 1.0, 7);
    points[kDay / 2].value = 100.0;
    points[kDay + kDay / 2].value = 200.0;
    Ensemble ensemble;
    std::vector<DetectorOutput> out;
    for (const auto& p : points) {
        out.push_back(ensemble.update(p));
    }
    EXPECT_GE(out[kDay / 2].anomaly_score, 0.5);  // judged...
    EXPECT_FALSE(out[kDay / 2].is_anomaly);       // ...but not reported in the warm-up
    EXPECT_TRUE(out[kDay + kDay / 2].is_anomaly);
    EXPECT_EQ(out[kDay + kDay / 2].detector, "range_novelty");
}

TEST(Ensemble, OneIncidentIsOneDetection) {
    EnsembleOptions options;
    options.filter.cooldown_seconds = 0;  // only the ensemble's own incident hold
    Ensemble ensemble(options);
    auto points = whiteNoise(2 * kDay, 10.0, 1.0, 8);
    for (size_t i = kDay + 100; i < kDay + 110; ++i) {
        points[i].value = 100.0 + static_cast<double>(i);  // ten ever-higher records
    }
    size_t detections = 0;
    for (size_t i = 0; i < points.size(); ++i) {
        const bool detected = ensemble.update(points[i]).anomaly_score >= 0.5;
        detections += detected && i >= kDay + 100 && i < kDay + 130 ? size_t{1} : size_t{0};
    }
    EXPECT_EQ(detections, 1u);
}

TEST(Ensemble, TheFilterDecidesWhatIsReported) {
    auto points = whiteNoise(2 * kDay, 10.0, 1.0, 9);
    points[kDay + 100].value = -100.0;  // a dip
    EnsembleOptions above;
    above.filter.direction = Direction::Above;
    Ensemble only_above(above);
    Ensemble both;
    for (size_t i = 0; i < points.size(); ++i) {
        const bool above_reported = only_above.update(points[i]).is_anomaly;
        const bool both_reported = both.update(points[i]).is_anomaly;
        if (i == kDay + 100) {
            EXPECT_FALSE(above_reported);
            EXPECT_TRUE(both_reported);
        }
    }
}

TEST(Ensemble, StateFitsInOneKibibyte) {
    Ensemble ensemble;
    for (const auto& p : whiteNoise(3 * kDay, 10.0, 1.0, 10)) {
        ensemble.update(p);
    }
    EXPECT_LE(ensemble.memoryBytes(), 1024u);
    StateWriter writer;
    ensemble.save(writer);
    RecordProperty("checkpoint_bytes", static_cast<int>(writer.bytes().size()));
    EXPECT_LE(writer.bytes().size(), 1024u);
}

TEST(Ensemble, TheZThresholdSetsTheBandWidth) {
    EnsembleOptions narrow;
    narrow.z_threshold = 2.0;
    EnsembleOptions wide;
    wide.z_threshold = 4.0;
    Ensemble a(narrow);
    Ensemble b(wide);
    DetectorOutput last_a;
    DetectorOutput last_b;
    for (const auto& p : whiteNoise(200, 10.0, 1.0, 11)) {
        last_a = a.update(p);
        last_b = b.update(p);
    }
    EXPECT_NEAR((last_b.upper - last_b.expected) / (last_a.upper - last_a.expected), 2.0, 1e-9);
}

}  // namespace
}  // namespace infrasage::detect
