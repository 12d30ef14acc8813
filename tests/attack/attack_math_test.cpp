// The measures the attacks report, against hand-computed values.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "attack/dcor_dtw.hpp"
#include "attack/label_leakage.hpp"
#include "attack/roc.hpp"
#include "attack/similarity.hpp"

namespace hesplit::attack {
namespace {

TEST(Roc, PerfectInvertedAndTiedScores) {
  const std::vector<char> pos{1, 1, 0, 0};
  EXPECT_DOUBLE_EQ(roc_curve(std::vector<double>{4, 3, 2, 1}, pos).auc, 1.0);
  EXPECT_DOUBLE_EQ(roc_curve(std::vector<double>{1, 2, 3, 4}, pos).auc, 0.0);
  EXPECT_DOUBLE_EQ(roc_curve(std::vector<double>{1, 1, 1, 1}, pos).auc, 0.5);
  // One positive above both negatives, one between them: 3 of 4 pairs ordered.
  EXPECT_DOUBLE_EQ(roc_curve(std::vector<double>{4, 2, 3, 1}, pos).auc, 0.75);
  EXPECT_THROW(roc_curve(std::vector<double>{1, 2}, std::vector<char>{1, 1}),
               std::invalid_argument);
}

TEST(Similarity, DistanceCorrelationDtwPearson) {
  const std::vector<double> x{0, 1, 2, 3, 4, 5};
  std::vector<double> affine, square;
  for (const double v : x) {
    affine.push_back(3 * v - 2);
    square.push_back((v - 2.5) * (v - 2.5));  // dependent but uncorrelated
  }
  EXPECT_NEAR(distance_correlation(x, affine), 1.0, 1e-12);
  EXPECT_NEAR(pearson(x, square), 0.0, 1e-12);
  EXPECT_GT(distance_correlation(x, square), 0.3);  // dCor sees the non-linear dependence
  // (0,1,2) with (0,1,0) by hand: doubly centred distance matrices give sum AB = 72/81,
  // sum A^2 = 360/81, sum B^2 = 144/81, so dCor^2 = 72 / sqrt(360 * 144).
  EXPECT_NEAR(distance_correlation(std::vector<double>{0, 1, 2}, std::vector<double>{0, 1, 0}),
              std::sqrt(72.0 / std::sqrt(360.0 * 144.0)), 1e-12);
  EXPECT_DOUBLE_EQ(dtw_distance(std::vector<double>{0, 1, 2}, std::vector<double>{0, 0, 1, 2}),
                   0.0);
  EXPECT_DOUBLE_EQ(dtw_distance(std::vector<double>{0, 0}, std::vector<double>{1, 1}), 2.0);
  EXPECT_DOUBLE_EQ(mean_squared_error(std::vector<double>{1, 2}, std::vector<double>{1, 4}), 2.0);
}

TEST(LabelLeakage, ArgminOfSoftmaxMinusOnehotIsTheLabel) {
  // Rows softmax(z) - onehot(y), divided by the batch size as the trainer's mean loss gives.
  const std::vector<std::int64_t> labels{0, 2, 1, 2, 0, 1};
  std::vector<float> g;
  for (std::size_t k = 0; k < labels.size(); ++k) {
    const double z[3] = {0.3 * double(k), -0.2, 0.1 * double(k % 2)};
    double sum = 0;
    for (const double v : z) sum += std::exp(v);
    for (std::size_t c = 0; c < 3; ++c) {
      g.push_back(float((std::exp(z[c]) / sum - (std::int64_t(c) == labels[k])) / 4.0));
    }
  }
  const LabelLeakage l = label_leakage(g, labels, 3);
  EXPECT_EQ(l.accuracy, 1.0);
  EXPECT_EQ(l.auc, 1.0);
  EXPECT_EQ(l.samples, 6u);
  EXPECT_EQ(l.class_of_roc.size(), 3u);
}

TEST(DcorDtw, MapThatCopiesTheBeatScoresHigherThanTheBaseline) {
  // 6 beats of 8 samples, 2 channels of 2 positions: channel 0 = the beat averaged over 4.
  const std::size_t n = 6;
  std::vector<float> beats, maps;
  for (std::size_t k = 0; k < n; ++k) {
    for (int i = 0; i < 8; ++i)
      beats.push_back(float(std::sin(double(i + 3 * k)) + (i < 4 ? 0.0 : double(k))));
    for (int p = 0; p < 2; ++p) {
      double mean = 0;
      for (int i = 0; i < 4; ++i) mean += beats[k * 8 + std::size_t(4 * p + i)];
      maps.push_back(float(mean / 4));
    }
    maps.push_back(1.0f);
    maps.push_back(float(k));
  }
  const DcorDtw d = dcor_dtw(beats, 8, maps, 2, n);
  EXPECT_NEAR(d.channels[0].dcor_median, 1.0, 1e-6);
  EXPECT_NEAR(d.best_dtw_median, 0.0, 1e-6);
}

}  // namespace
}  // namespace hesplit::attack
