#include "split/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <span>
#include <string>

#include "nn/loss.hpp"

namespace hesplit::split {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void check_side(const ecg::BeatSet& set, const std::string& side, std::size_t classes,
                const std::string& source) {
  if (set.size() == 0) throw ecg::DatasetError(source + ": the " + side + " side has no beats");
  if (set.x.size() != set.size() * ecg::kBeatLength) {
    throw ecg::DatasetError(source + ": x_" + side + " holds " + std::to_string(set.x.size()) +
                            " values for " + std::to_string(set.size()) + " labels");
  }
  for (std::size_t i = 0; i < set.size(); ++i) {
    if (set.y[i] < 0 || static_cast<std::size_t>(set.y[i]) >= classes) {
      throw ecg::DatasetError(source + ": y_" + side + "[" + std::to_string(i) +
                              "] = " + std::to_string(set.y[i]) + " is not a class index below " +
                              std::to_string(classes));
    }
  }
}

std::span<const float> beats_of(const ecg::BeatSet& set, std::size_t begin, std::size_t count) {
  return std::span<const float>(set.x).subspan(begin * ecg::kBeatLength, count * ecg::kBeatLength);
}

// Sums of one epoch's training batches.
struct EpochTally {
  double loss_sum = 0.0;  // sum over batches of (mean batch loss x batch size)
  std::int64_t correct = 0;
  std::size_t samples = 0;
};

}  // namespace

std::size_t checked_class_count(const ecg::BeatDataset& dataset, const std::string& source) {
  std::size_t classes = dataset.class_names.size();
  if (classes == 0) {
    std::int64_t top = -1;
    for (const auto* set : {&dataset.train, &dataset.test}) {
      for (const std::int64_t y : set->y) top = std::max(top, y);
    }
    classes = static_cast<std::size_t>(top + 1);
  }
  if (classes < 2) throw ecg::DatasetError(source + ": needs at least two classes");
  check_side(dataset.train, "train", classes, source);
  check_side(dataset.test, "test", classes, source);
  return classes;
}

ConfusionMatrix evaluate(const nn::ClientFront& front, HeadSession& head, const ecg::BeatSet& set,
                         std::size_t classes, std::size_t chunk) {
  ConfusionMatrix confusion(classes);
  chunk = std::max<std::size_t>(chunk, 1);
  for (std::size_t begin = 0; begin < set.size(); begin += chunk) {
    const std::size_t count = std::min(chunk, set.size() - begin);
    const nn::FloatTensor logits = head.infer(front.infer(beats_of(set, begin, count), count));
    const std::vector<std::int64_t> predicted = predictions(logits);
    confusion.add(std::span<const std::int64_t>(set.y).subspan(begin, count), predicted);
  }
  return confusion;
}

TrainingResult train(nn::ClientFront& front, HeadSession& head, const ecg::BeatDataset& dataset,
                     std::size_t classes, const TrainOptions& options, TrainingObserver& observer,
                     const TrainingProgress* resume) {
  const ecg::BeatSet& train_set = dataset.train;
  const std::size_t batch_size = std::max<std::size_t>(options.batch_size, 1);
  std::size_t batches = (train_set.size() + batch_size - 1) / batch_size;
  if (options.max_batches > 0) batches = std::min(batches, options.max_batches);

  TrainingResult result;
  if (resume != nullptr) result.epochs = resume->finished;
  std::uint64_t global_batches = resume != nullptr ? resume->global_batches : 0;
  for (int epoch = resume != nullptr ? resume->epoch : 1; epoch <= options.epochs; ++epoch) {
    const Traffic traffic_before = head.traffic();
    const Clock::time_point start = Clock::now();
    EpochTally tally;
    std::size_t first_batch = 0;
    TrainingProgress before;  // this epoch's share from before a resume
    if (resume != nullptr && epoch == resume->epoch) {
      before = *resume;
      tally = {resume->loss_sum, static_cast<std::int64_t>(resume->correct), resume->samples};
      first_batch = resume->next_batch;
    }
    for (std::size_t b = first_batch; b < batches; ++b) {
      const std::size_t begin = b * batch_size;
      const std::size_t count = std::min(batch_size, train_set.size() - begin);
      const BatchId id{static_cast<std::uint32_t>(epoch), b};
      const nn::FloatTensor activations = front.forward(beats_of(train_set, begin, count), count);
      const nn::FloatTensor logits = head.forward(id, activations);
      const nn::LossResult loss = nn::cross_entropy(
          logits, std::span<const std::int64_t>(train_set.y).subspan(begin, count));
      front.backward_and_step(head.backward(id, loss.logit_grads));

      tally.loss_sum += loss.loss * static_cast<double>(count);
      tally.correct += loss.correct;
      tally.samples += count;
      const double samples = static_cast<double>(tally.samples);
      observer.on_batch({epoch, options.epochs, b + 1, batches, tally.samples, seconds_since(start),
                         tally.loss_sum / samples, static_cast<double>(tally.correct) / samples});
      const Traffic now = head.traffic();
      observer.on_progress(
          {epoch, b + 1, ++global_batches, tally.loss_sum, static_cast<std::size_t>(tally.correct),
           tally.samples, before.seconds + seconds_since(start),
           before.bytes_client_to_server + now.bytes_sent - traffic_before.bytes_sent,
           before.bytes_server_to_client + now.bytes_received - traffic_before.bytes_received,
           result.epochs});
    }
    const double train_seconds = before.seconds + seconds_since(start);
    Traffic traffic_after = head.traffic();
    traffic_after.bytes_sent += before.bytes_client_to_server;
    traffic_after.bytes_received += before.bytes_server_to_client;
    const ConfusionMatrix confusion =
        evaluate(front, head, dataset.test, classes, options.eval_chunk);

    EpochResult epoch_result;
    epoch_result.epoch = epoch;
    epoch_result.batches = batches;
    epoch_result.samples = tally.samples;
    epoch_result.train_loss = tally.loss_sum / static_cast<double>(tally.samples);
    epoch_result.train_accuracy =
        static_cast<double>(tally.correct) / static_cast<double>(tally.samples);
    epoch_result.test_accuracy = confusion.accuracy();
    epoch_result.seconds = train_seconds;
    epoch_result.bytes_client_to_server = traffic_after.bytes_sent - traffic_before.bytes_sent;
    epoch_result.bytes_server_to_client =
        traffic_after.bytes_received - traffic_before.bytes_received;
    result.epochs.push_back(epoch_result);
    result.test_accuracy = confusion.accuracy();
    result.confusion_matrix = confusion.counts();
    observer.on_epoch(epoch_result);
  }
  head.finish({{"test_accuracy", std::to_string(result.test_accuracy)},
               {"epochs", std::to_string(options.epochs)}});
  return result;
}

}  // namespace hesplit::split
