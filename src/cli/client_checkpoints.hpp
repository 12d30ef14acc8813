#pragma once
// The client's checkpoints (issue 9): `--checkpoint-every K` writes RUN_DIR/checkpoints/g<N>/
// (front weights, Adam state, training progress, and the run's identity) every K training batches;
// `--resume` continues the run in RUN_DIR from the newest checkpoint it shares with the server.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <optional>

#include "cli/training_session.hpp"
#include "nn/client_front.hpp"
#include "split/checkpoint_store.hpp"
#include "split/session_checkpoints.hpp"
#include "split/training_types.hpp"

namespace hesplit::cli {

struct CheckpointFlags {
  std::size_t every = 0;
  bool resume = false;
  bool active() const { return every > 0 || resume; }
};

void add_checkpoint_options(CLI::App& command, CheckpointFlags& flags);

// Wraps the run's observer: forwards progress, and writes a checkpoint every `every` batches.
class ClientCheckpoints final : public split::TrainingObserver {
 public:
  // With --resume, reads the checkpoints in RUN_DIR and checks the newest against this run's
  // settings (mode, seed, sizes, learning rates, data), throwing an error that names the
  // differing setting and both values. Only `plain` checkpoints (for now).
  ClientCheckpoints(const std::filesystem::path& run_dir, const CheckpointFlags& flags,
                    const RunOptions& run, const LoadedDataset& data, nn::ClientFront& front,
                    split::TrainingObserver& inner);

  // For the Hello: run id, interval, and the positions held when resuming.
  const split::CheckpointRequest& request() const { return request_; }
  // After the handshake: loads the checkpoint the server chose into the front and returns its
  // progress (nothing when the run starts afresh).
  std::optional<split::TrainingProgress> load(
      const std::optional<split::CheckpointPosition>& chosen);

  void on_batch(const split::BatchProgress& progress) override { inner_.on_batch(progress); }
  void on_epoch(const split::EpochResult& result) override { inner_.on_epoch(result); }
  void on_progress(const split::TrainingProgress& progress) override;

 private:
  split::CheckpointStore store_;
  split::CheckpointFields identity_;
  split::CheckpointRequest request_;
  nn::ClientFront& front_;
  split::TrainingObserver& inner_;
  double learning_rate_ = 0;
  std::uint64_t seed_ = 0;
};

// A `plain` client run with checkpoints and/or --resume over `transport`.
split::TrainingResult train_plain_with_checkpoints(split::Transport& transport,
                                                   const RunOptions& run, const LoadedDataset& data,
                                                   nn::ClientFront& front,
                                                   ClientCheckpoints& checkpoints);

}  // namespace hesplit::cli
