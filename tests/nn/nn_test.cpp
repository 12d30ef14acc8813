#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <vector>

#include "nn/client_front.hpp"
#include "nn/loss.hpp"
#include "nn/server_head.hpp"
#include "test_data.hpp"

namespace hesplit::nn {
namespace {

std::vector<float> ramp_beats(std::size_t count) {
  std::vector<float> beats(count * kInputLength);
  for (std::size_t i = 0; i < beats.size(); ++i) beats[i] = static_cast<float>(std::sin(0.05 * i));
  return beats;
}

FloatTensor matrix(std::int64_t rows, std::int64_t cols, std::vector<float> values) {
  return FloatTensor{{rows, cols}, std::move(values)};
}

TEST(ClientFront, MapsBeatsTo256FeaturesDeterministicallyPerSeed) {
  const std::vector<float> beats = ramp_beats(3);
  ClientFront a(7, 1e-3), b(7, 1e-3), c(8, 1e-3);
  const FloatTensor out = a.forward(beats, 3);
  EXPECT_EQ(out.shape, (std::vector<std::int64_t>{3, kSplitFeatures}));
  EXPECT_EQ(out, b.forward(beats, 3));
  EXPECT_NE(out, c.forward(beats, 3));
  EXPECT_EQ(out, a.infer(beats, 3));
  EXPECT_THROW(a.forward(std::span<const float>(beats).first(100), 1), std::invalid_argument);
}

TEST(ClientFront, AdamStepMovesTheOutputAgainstTheGradient) {
  const std::vector<float> beats = ramp_beats(2);
  ClientFront front(1, 1e-2);
  const FloatTensor before = front.forward(beats, 2);
  // Gradient of L = sum(A): the step must lower sum(A).
  front.backward_and_step(FloatTensor{before.shape, std::vector<float>(before.data.size(), 1.f)});
  const FloatTensor after = front.infer(beats, 2);
  double sum_before = 0, sum_after = 0;
  for (float v : before.data) sum_before += v;
  for (float v : after.data) sum_after += v;
  EXPECT_LT(sum_after, sum_before);
}

TEST(ServerHead, ForwardBackwardAndSgdFollowTheLinearAlgebra) {
  constexpr std::int64_t d = 4, c = 3;
  ServerHead head(d, c, 5, 0.5);
  // Probe W and b with the zero vector and the unit vectors.
  std::vector<float> probe((d + 1) * d, 0.f);
  for (std::int64_t j = 0; j < d; ++j) probe[(j + 1) * d + j] = 1.f;
  const FloatTensor z = head.infer(matrix(d + 1, d, probe));
  auto b = [&](std::int64_t k) { return z.data[k]; };
  auto w = [&](std::int64_t k, std::int64_t j) { return z.data[(j + 1) * c + k] - b(k); };

  const FloatTensor a = matrix(2, d, {1, 2, 3, 4, -1, 0.5f, 0, 2});
  const FloatTensor logits = head.forward(a);
  for (std::int64_t r = 0; r < 2; ++r) {
    for (std::int64_t k = 0; k < c; ++k) {
      double expected = b(k);
      for (std::int64_t j = 0; j < d; ++j) expected += w(k, j) * a.data[r * d + j];
      EXPECT_NEAR(logits.data[r * c + k], expected, 1e-5);
    }
  }
  const FloatTensor g = matrix(2, c, {0.1f, -0.2f, 0.1f, -0.3f, 0.2f, 0.1f});
  const FloatTensor grad_a = head.backward(g);
  for (std::int64_t r = 0; r < 2; ++r) {
    for (std::int64_t j = 0; j < d; ++j) {
      double expected = 0;
      for (std::int64_t k = 0; k < c; ++k) expected += g.data[r * c + k] * w(k, j);
      EXPECT_NEAR(grad_a.data[r * d + j], expected, 1e-5);
    }
  }
  head.step();
  const FloatTensor z2 = head.infer(matrix(d + 1, d, probe));
  for (std::int64_t k = 0; k < c; ++k) {
    const double gb = g.data[k] + g.data[c + k];
    EXPECT_NEAR(z2.data[k], b(k) - 0.5 * gb, 1e-5);
    for (std::int64_t j = 0; j < d; ++j) {
      const double gw = g.data[k] * a.data[j] + g.data[c + k] * a.data[d + j];
      EXPECT_NEAR(z2.data[(j + 1) * c + k] - z2.data[k], w(k, j) - 0.5 * gw, 1e-5);
    }
  }
}

TEST(ServerHead, RejectsMismatchedShapesAndOutOfOrderCalls) {
  ServerHead head(4, 3, 0, 0.1);
  EXPECT_THROW(head.forward(matrix(1, 5, std::vector<float>(5))), std::invalid_argument);
  EXPECT_THROW(head.backward(matrix(1, 3, std::vector<float>(3))), std::logic_error);
  head.forward(matrix(2, 4, std::vector<float>(8)));
  EXPECT_THROW(head.backward(matrix(1, 3, std::vector<float>(3))), std::invalid_argument);
}

TEST(CrossEntropy, MatchesSoftmaxMinusOneHotOverBatch) {
  const FloatTensor z = matrix(2, 3, {1.f, 2.f, 0.5f, -1.f, 0.f, 3.f});
  const std::vector<std::int64_t> y{0, 2};
  const LossResult r = cross_entropy(z, y);
  double loss = 0;
  for (int i = 0; i < 2; ++i) {
    double norm = 0;
    for (int k = 0; k < 3; ++k) norm += std::exp(z.data[i * 3 + k]);
    loss += -std::log(std::exp(z.data[i * 3 + y[i]]) / norm);
    for (int k = 0; k < 3; ++k) {
      const double p = std::exp(z.data[i * 3 + k]) / norm;
      EXPECT_NEAR(r.logit_grads.data[i * 3 + k], (p - (k == y[i] ? 1 : 0)) / 2.0, 1e-6);
    }
  }
  EXPECT_NEAR(r.loss, loss / 2, 1e-6);
  EXPECT_EQ(r.correct, 1);  // row 0 predicts 1 (wrong), row 1 predicts 2 (right)
  EXPECT_THROW(cross_entropy(z, std::vector<std::int64_t>{0, 3}), std::invalid_argument);
}

TEST(Checkpoint, RoundTripKeepsOutputsAndBadFilesFailClearly) {
  const auto dir = test::scratch_dir("nn_checkpoint");
  const std::vector<float> beats = ramp_beats(2);
  ClientFront front(3, 1e-3);
  ServerHead head(kSplitFeatures, 5, 3, 1e-2);
  front.save(dir / "front.pt");
  head.save(dir / "head.pt");
  const ClientFront front2 = ClientFront::load(dir / "front.pt", 1e-3);
  const ServerHead head2 = ServerHead::load(dir / "head.pt", 1e-2);
  const FloatTensor a = front.infer(beats, 2);
  EXPECT_EQ(a, front2.infer(beats, 2));
  EXPECT_EQ(head.infer(a), head2.infer(a));

  EXPECT_THROW(ClientFront::load(dir / "missing.pt", 1e-3), std::runtime_error);
  { std::ofstream(dir / "junk.pt") << "not a pickle"; }
  try {
    ClientFront::load(dir / "junk.pt", 1e-3);
    FAIL() << "junk accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("junk.pt"), std::string::npos) << e.what();
  }
  // A head checkpoint is not a front checkpoint: the missing key is named.
  try {
    ClientFront::load(dir / "head.pt", 1e-3);
    FAIL() << "head accepted as front";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("0.weight"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace hesplit::nn
