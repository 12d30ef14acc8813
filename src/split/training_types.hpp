#pragma once
// Options, progress and results of a training run, shared by every protocol's client role.
#include <cstdint>
#include <string>
#include <vector>

namespace hesplit::split {

struct TrainOptions {
  int epochs = 10;
  std::size_t batch_size = 4;
  std::uint64_t seed = 0;
  double client_lr = 1e-3;
  double server_lr = 1e-2;
  std::size_t max_batches = 0;    // 0: whole epoch
  std::size_t eval_chunk = 1024;  // test beats per evaluation message
};

struct BatchProgress {
  int epoch = 0;  // 1-based
  int epochs = 0;
  std::size_t batch = 0;  // 1-based within the epoch
  std::size_t batches = 0;
  std::size_t samples = 0;  // seen so far in this epoch
  double seconds = 0.0;     // since the epoch started
  double running_loss = 0.0;
  double running_accuracy = 0.0;
};

struct EpochResult {
  int epoch = 0;  // 1-based
  double train_loss = 0.0;
  double train_accuracy = 0.0;
  double test_accuracy = 0.0;
  double seconds = 0.0;  // training batches only (test evaluation excluded)
  std::uint64_t bytes_client_to_server = 0;
  std::uint64_t bytes_server_to_client = 0;
  std::size_t batches = 0;
  std::size_t samples = 0;
};

// Where a training run stands after a batch: with the client front's weights and optimizer state
// (saved beside it), enough to resume the run exactly (issue 9).
struct TrainingProgress {
  int epoch = 1;                     // epoch of the next batch (1-based)
  std::size_t next_batch = 0;        // index of the next batch in that epoch
  std::uint64_t global_batches = 0;  // training batches done since the run started
  double loss_sum = 0.0;             // this epoch so far, as in EpochResult
  std::size_t correct = 0;
  std::size_t samples = 0;
  double seconds = 0.0;
  std::uint64_t bytes_client_to_server = 0;
  std::uint64_t bytes_server_to_client = 0;
  std::vector<EpochResult> finished;  // the epochs before
};

struct TrainingResult {
  std::vector<EpochResult> epochs;
  double test_accuracy = 0.0;
  std::vector<std::vector<std::int64_t>> confusion_matrix;  // [true][predicted]
};

// Receives progress; the CLI forwards it to the report layer (bar or log lines).
class TrainingObserver {
 public:
  virtual ~TrainingObserver() = default;
  virtual void on_batch(const BatchProgress& /*progress*/) {}
  virtual void on_epoch(const EpochResult& /*result*/) {}
  // After each training batch (checkpoints are written from here).
  virtual void on_progress(const TrainingProgress& /*progress*/) {}
};

}  // namespace hesplit::split
