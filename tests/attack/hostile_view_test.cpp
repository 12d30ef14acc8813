// `hesplit attack` on hostile server views: a view file is input like any other (a client plants
// the batch ids of the server's own recording; a crafted file can say anything). Each test writes
// a real .hsview file and runs the real `hesplit attack` process on it: it must end with an error
// naming the problem, never a crash or a read outside the dataset.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdint>
#include <limits>

#include "beat_fixture.hpp"
#include "child_process.hpp"
#include "split/server_view_file.hpp"
#include "test_data.hpp"

namespace hesplit::attack {
namespace {

constexpr std::uint64_t kBatchSize = 4;
constexpr std::size_t kClasses = 5;

split::Message hello() {
  split::Message m;
  m.kind = split::MessageKind::kHello;
  m.fields = {{"protocol", "plain"},
              {"classes", std::to_string(kClasses)},
              {"batch_size", std::to_string(kBatchSize)}};
  return m;
}

// Logit gradients of `rows` x `width` zeros for training batch `batch` of epoch 1.
split::Message logit_grads(std::uint64_t batch, std::int64_t rows, std::int64_t width) {
  split::Message m;
  m.kind = split::MessageKind::kLogitGrads;
  m.epoch = 1;
  m.batch = batch;
  m.tensors.push_back(
      nn::FloatTensor{{rows, width}, std::vector<float>(std::size_t(rows * width), 0.0f)});
  return m;
}

split::Message activations(std::uint64_t batch, std::int64_t rows) {
  split::Message m;
  m.kind = split::MessageKind::kActivations;
  m.epoch = 1;
  m.batch = batch;
  m.tensors.push_back(nn::FloatTensor{{rows, 256}, std::vector<float>(std::size_t(rows) * 256)});
  return m;
}

struct Outcome {
  int code = 0;
  std::string err;
};

// Writes a view of one honest batch followed by `hostile`, and runs `hesplit attack` on it with a
// 200-beat training set as --data.
Outcome attack_view(const std::string& name, const std::vector<split::Message>& hostile) {
  const auto dir = test::scratch_dir(name);
  ecg::write_beat_dataset(dir / "data.h5", test::synthetic_dataset(200, 40));
  {
    split::ServerViewWriter writer(dir / "server-view");
    writer.received(hello());
    writer.received(activations(0, kBatchSize));
    writer.received(logit_grads(0, kBatchSize, kClasses));
    for (const split::Message& m : hostile) writer.received(m);
  }
  test::Child attack({"attack", "--run", dir.string(), "--out", (dir / "report").string(), "--data",
                      (dir / "data.h5").string(), "--inversion-epochs", "1"},
                     dir / "attack");
  return {attack.wait(), attack.err()};
}

void expect_clean_refusal(const Outcome& o, const std::string& words) {
  EXPECT_LT(o.code, 128) << "hesplit attack died of signal " << o.code - 128 << "\n" << o.err;
  EXPECT_NE(o.code, 0) << "a hostile view was attacked as if it were honest";
  EXPECT_NE(o.err.find(words), std::string::npos) << o.err;
  EXPECT_NE(o.err.find(".hsview"), std::string::npos) << "the error names the view file: " << o.err;
}

// batch * 4 wraps to 2^64 - 2^20: with a first dimension of 2^20 + 4 (and no columns, so the file
// needs no values) begin + rows wraps to 4 and passed the old bound, which then copied 2^20 labels
// from 8 MiB before the dataset: an out-of-bounds read (the report saw SIGSEGV; here the old code
// went on with the garbage and failed later with an unrelated message).
TEST(HostileView, BatchIdWhoseSampleIndexWrapsIsRefused) {
  const std::uint64_t batch = (std::uint64_t{1} << 62) - (std::uint64_t{1} << 18);
  const Outcome o = attack_view("wrap-zero-width", {logit_grads(batch, (1 << 20) + 4, 0)});
  expect_clean_refusal(o, "batch");
}

// The same wrap with an honest shape: begin = 2^64 - 4 passed the old bound and read the four
// "labels" before the dataset (the old code then indexed a vector with one of them).
TEST(HostileView, BatchIdJustBelowTheWrapIsRefused) {
  const std::uint64_t batch = std::numeric_limits<std::uint64_t>::max() / kBatchSize;
  const Outcome o = attack_view("wrap-honest-shape", {logit_grads(batch, kBatchSize, kClasses)});
  expect_clean_refusal(o, std::to_string(batch));
}

// A batch past the dataset without any wrap, and clear activations whose batch id wraps.
TEST(HostileView, BatchesOutsideTheDatasetAreRefused) {
  expect_clean_refusal(attack_view("past-end", {logit_grads(50, kBatchSize, kClasses)}),
                       "outside the dataset");
  const std::uint64_t batch = std::numeric_limits<std::uint64_t>::max() / kBatchSize;
  expect_clean_refusal(attack_view("activations-wrap", {activations(batch, kBatchSize)}),
                       std::to_string(batch));
}

// Tensors whose shape cannot be a batch of this session: more rows than the batch size, logit
// gradients that are not rows x classes, a rank-0 tensor.
TEST(HostileView, TensorsThatAreNoBatchOfTheSessionAreRefused) {
  expect_clean_refusal(attack_view("too-many-rows", {logit_grads(1, kBatchSize + 1, kClasses)}),
                       "rows");
  expect_clean_refusal(attack_view("wrong-width", {logit_grads(1, kBatchSize, kClasses + 1)}),
                       "classes");
  split::Message scalar = logit_grads(1, 1, 1);
  scalar.tensors.front().shape.clear();
  expect_clean_refusal(attack_view("rank-zero", {scalar}), "shape");
}

}  // namespace
}  // namespace hesplit::attack
