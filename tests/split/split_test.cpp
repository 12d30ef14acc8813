#include <gtest/gtest.h>

#include "beat_fixture.hpp"
#include "nn/server_head.hpp"
#include "split/checksum.hpp"
#include "split/local_head.hpp"
#include "split/metrics.hpp"
#include "split/trainer.hpp"
#include "test_data.hpp"

namespace hesplit::split {
namespace {

Message sample_message() {
  return Message{MessageKind::kActivations,
                 2,
                 17,
                 {{"k", "v"}},
                 {nn::FloatTensor{{2, 2}, {1.f, 2.f, 3.f, 4.f}}},
                 {Blob{"ct", "\x01\x02"}}};
}

TEST(Checksum, ChangesWithEveryPartOfTheMessage) {
  const Message base = sample_message();
  const std::uint64_t sum = message_checksum(base);
  EXPECT_EQ(sum, message_checksum(sample_message()));
  std::vector<Message> variants(7, base);
  variants[0].kind = MessageKind::kLogits;
  variants[1].epoch = 3;
  variants[2].batch = 18;
  variants[3].fields["k"] = "w";
  variants[4].tensors[0].data[3] = 4.5f;
  variants[5].tensors[0].shape = {4, 1};
  variants[6].blobs[0].bytes = "\x01\x03";
  for (const Message& m : variants) EXPECT_NE(message_checksum(m), sum);
}

TEST(Metrics, ArgmaxAndConfusionMatrix) {
  const nn::FloatTensor logits{{3, 2}, {0.f, 1.f, 2.f, 1.f, 5.f, 5.f}};
  EXPECT_EQ(predictions(logits), (std::vector<std::int64_t>{1, 0, 0}));
  ConfusionMatrix confusion(2);
  confusion.add(std::vector<std::int64_t>{1, 1, 0}, predictions(logits));
  EXPECT_DOUBLE_EQ(confusion.accuracy(), 2.0 / 3.0);
  EXPECT_EQ(confusion.counts(), (std::vector<std::vector<std::int64_t>>{{1, 0}, {1, 1}}));
}

TEST(Dataset, InconsistentDatasetsAreRejectedWithTheSourceNamed) {
  ecg::BeatDataset bad = test::synthetic_dataset(8, 4);
  bad.train.y[3] = 7;
  try {
    checked_class_count(bad, "fixture.h5");
    FAIL();
  } catch (const ecg::DatasetError& e) {
    EXPECT_NE(std::string(e.what()).find("fixture.h5: y_train[3]"), std::string::npos) << e.what();
  }
  ecg::BeatDataset empty = test::synthetic_dataset(8, 4);
  empty.test = {};
  EXPECT_THROW(checked_class_count(empty, "x.h5"), ecg::DatasetError);
  ecg::BeatDataset short_x = test::synthetic_dataset(8, 4);
  short_x.train.x.pop_back();
  EXPECT_THROW(checked_class_count(short_x, "x.h5"), ecg::DatasetError);
}

TrainingResult train_local(const ecg::BeatDataset& data, const TrainOptions& options) {
  nn::ClientFront front(options.seed, options.client_lr);
  LocalHead head(nn::ServerHead(nn::kSplitFeatures, 5, options.seed, options.server_lr),
                 std::nullopt);
  TrainingObserver observer;
  return train(front, head, data, 5, options, observer);
}

TEST(LocalTraining, LossFallsAndTheFixtureIsLearned) {
  const ecg::BeatDataset data = test::synthetic_dataset(200, 100);
  TrainOptions options;
  options.epochs = 4;
  options.batch_size = 8;
  const TrainingResult result = train_local(data, options);
  ASSERT_EQ(result.epochs.size(), 4u);
  EXPECT_LT(result.epochs.back().train_loss, 0.5 * result.epochs.front().train_loss);
  EXPECT_GT(result.test_accuracy, 0.9);
  std::int64_t total = 0;
  for (const auto& row : result.confusion_matrix) {
    for (const auto count : row) total += count;
  }
  EXPECT_EQ(total, 100);
  EXPECT_EQ(result.epochs.front().samples, 200u);
  EXPECT_EQ(result.epochs.front().bytes_client_to_server, 0u);
}

TEST(LocalTraining, SameSeedSameMetricsOtherSeedOtherMetrics) {
  const ecg::BeatDataset data = test::synthetic_dataset(60, 30);
  TrainOptions options;
  options.epochs = 2;
  options.max_batches = 10;
  const TrainingResult a = train_local(data, options);
  const TrainingResult b = train_local(data, options);
  ASSERT_EQ(a.epochs.size(), b.epochs.size());
  for (std::size_t e = 0; e < a.epochs.size(); ++e) {
    EXPECT_EQ(a.epochs[e].train_loss, b.epochs[e].train_loss);
    EXPECT_EQ(a.epochs[e].test_accuracy, b.epochs[e].test_accuracy);
    EXPECT_EQ(a.epochs[e].batches, 10u);
  }
  options.seed = 1;
  EXPECT_NE(train_local(data, options).epochs[0].train_loss, a.epochs[0].train_loss);
}

}  // namespace
}  // namespace hesplit::split
