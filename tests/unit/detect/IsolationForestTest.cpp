#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "detect/IsolationForest.h"

namespace infrasage::detect {
namespace {

// n rows of a 3-d Gaussian cloud centred at the origin, unit variance per feature.
std::vector<double> gaussianCloud(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0.0, 1.0);
    std::vector<double> rows(n * 3);
    for (double& v : rows) v = noise(rng);
    return rows;
}

std::span<const double> row(const std::vector<double>& rows, size_t i) {
    return std::span<const double>(rows).subspan(i * 3, 3);
}

TEST(IsolationForestTest, AveragePathLengthFollowsThePaper) {
    EXPECT_EQ(IsolationForest::averagePathLength(0), 0.0);
    EXPECT_EQ(IsolationForest::averagePathLength(1), 0.0);
    EXPECT_EQ(IsolationForest::averagePathLength(2), 1.0);
    // c(n) = 2 (ln(n - 1) + gamma) - 2 (n - 1) / n.
    EXPECT_NEAR(IsolationForest::averagePathLength(3),
                2.0 * (std::log(2.0) + 0.5772156649) - 4.0 / 3.0, 1e-9);
    EXPECT_NEAR(IsolationForest::averagePathLength(256), 10.2448, 1e-4);
    // Grows like 2 ln n.
    EXPECT_LT(IsolationForest::averagePathLength(256), IsolationForest::averagePathLength(512));
    EXPECT_NEAR(IsolationForest::averagePathLength(512) - IsolationForest::averagePathLength(256),
                2.0 * std::log(2.0), 0.01);
}

TEST(IsolationForestTest, FarPointsScoreHigherThanInliers) {
    const auto cloud = gaussianCloud(2000, 1);
    IsolationForest forest;
    forest.train(cloud, 3);
    std::vector<double> inlier_scores;
    for (size_t i = 0; i < 2000; ++i) inlier_scores.push_back(forest.score(row(cloud, i)));
    std::sort(inlier_scores.begin(), inlier_scores.end());
    const double median = inlier_scores[1000];
    EXPECT_LT(median, 0.5);

    // Far out in several features: more isolated than any but a handful of training rows.
    const std::vector<std::vector<double>> outliers = {
        {4.0, 4.0, 4.0}, {-5.0, 5.0, 0.0}, {0.0, -4.5, 4.5}, {50.0, 50.0, 50.0}};
    for (const auto& x : outliers) {
        const double s = forest.score(x);
        EXPECT_GT(s, 0.65) << x[0] << "," << x[1] << "," << x[2];
        EXPECT_GT(s, inlier_scores[1990]) << "above the inliers' 99.5th percentile";
    }
    // Far out in one feature only: cuts never fall outside the training range, so such a point
    // isolates like the most extreme training rows on that side — high, not higher.
    for (const auto& x : std::vector<std::vector<double>>{{6.0, 0.0, 0.0}, {0.0, -60.0, 0.0}}) {
        EXPECT_GT(forest.score(x), inlier_scores[1800]) << "above the 90th percentile";
    }
    // The centre of the cloud is the least isolated place there is.
    EXPECT_LT(forest.score(std::vector<double>{0.0, 0.0, 0.0}), median);
}

TEST(IsolationForestTest, ScoresStayInsideTheOpenUnitInterval) {
    const auto cloud = gaussianCloud(500, 2);
    IsolationForest forest({50, 128, 3});
    forest.train(cloud, 3);
    for (const double x : {-1e300, -1e6, -3.0, 0.0, 3.0, 1e6, 1e300}) {
        const double s = forest.score(std::vector<double>{x, x, x});
        EXPECT_GT(s, 0.0);
        EXPECT_LT(s, 1.0);
    }
    // Constant data cannot be cut: every path is c(psi) long and every score exactly 0.5.
    IsolationForest flat({10, 64, 3});
    flat.train(std::vector<double>(300, 4.0), 3);
    EXPECT_DOUBLE_EQ(flat.score(std::vector<double>{4.0, 4.0, 4.0}), 0.5);
    EXPECT_DOUBLE_EQ(flat.score(std::vector<double>{9.0, -9.0, 4.0}), 0.5);
}

TEST(IsolationForestTest, SameRowsAndSeedGrowTheSameForest) {
    const auto cloud = gaussianCloud(1000, 3);
    IsolationForest a({100, 256, 42});
    IsolationForest b({100, 256, 42});
    IsolationForest other_seed({100, 256, 43});
    a.train(cloud, 3);
    b.train(cloud, 3);
    other_seed.train(cloud, 3);
    EXPECT_EQ(a.nodeCount(), b.nodeCount());
    size_t differences = 0;
    for (size_t i = 0; i < 1000; ++i) {
        ASSERT_EQ(a.score(row(cloud, i)), b.score(row(cloud, i))) << i;
        differences += a.score(row(cloud, i)) != other_seed.score(row(cloud, i)) ? 1U : 0U;
    }
    EXPECT_GT(differences, 900U);
    // Retraining reseeds: the same object grows the same forest again.
    a.train(cloud, 3);
    EXPECT_EQ(a.score(row(cloud, 7)), b.score(row(cloud, 7)));
}

// Cuts are uniform between a feature's minimum and maximum, so a feature's unit does not matter:
// multiplying one feature by a power of two (exact in floating point) changes no score at all.
TEST(IsolationForestTest, RescalingAFeatureChangesNoScore) {
    const auto cloud = gaussianCloud(1000, 4);
    auto scaled = cloud;
    for (size_t i = 0; i < 1000; ++i) scaled[i * 3 + 1] *= 1024.0 * 1024.0;
    IsolationForest a;
    IsolationForest b;
    a.train(cloud, 3);
    b.train(scaled, 3);
    for (size_t i = 0; i < 1000; ++i) ASSERT_EQ(a.score(row(cloud, i)), b.score(row(scaled, i)));
}

TEST(IsolationForestTest, FewerRowsThanTheSubsampleTrainOnAllRows) {
    const auto cloud = gaussianCloud(40, 5);
    IsolationForest forest;  // psi 256 > 40 rows.
    forest.train(cloud, 3);
    // Height limit ceil(log2 40) = 6: at most 127 nodes per tree.
    EXPECT_LE(forest.nodeCount(), 100U * 127U);
    EXPECT_GT(forest.score(std::vector<double>{8.0, 8.0, 8.0}), forest.score(row(cloud, 0)));
}

TEST(IsolationForestTest, TreesRespectTheHeightLimit) {
    const auto cloud = gaussianCloud(5000, 6);
    IsolationForest forest({100, 256, 7});
    forest.train(cloud, 3);
    // ceil(log2 256) = 8 levels of cuts: at most 2^9 - 1 nodes per tree, each path at most
    // 8 + c(256) long, so no score below 2^-(8 + c(256)) / c(256).
    EXPECT_LE(forest.nodeCount(), 100U * 511U);
    const double c = IsolationForest::averagePathLength(256);
    for (size_t i = 0; i < 5000; i += 50) {
        EXPECT_LE(forest.meanPathLength(row(cloud, i)), 8.0 + c);
    }
    EXPECT_GT(forest.memoryBytes(), forest.nodeCount() * 16U);
}

TEST(IsolationForestTest, RejectsBadInput) {
    EXPECT_THROW(IsolationForest({0, 256, 1}), std::invalid_argument);
    EXPECT_THROW(IsolationForest({10, 1, 1}), std::invalid_argument);
    IsolationForest forest;
    EXPECT_THROW(forest.train(std::vector<double>{}, 3), std::invalid_argument);
    EXPECT_THROW(forest.train(std::vector<double>(10, 1.0), 3), std::invalid_argument);
    EXPECT_THROW((void)forest.score(std::vector<double>{1.0, 2.0, 3.0}), std::invalid_argument);
    forest.train(gaussianCloud(100, 8), 3);
    EXPECT_THROW((void)forest.score(std::vector<double>{1.0, 2.0}), std::invalid_argument);
}

}  // namespace
}  // namespace infrasage::detect
