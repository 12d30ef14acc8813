#pragma once
// The client's checkpoints (issue 9): `--checkpoint-every K` writes RUN_DIR/checkpoints/g<N>/
// (front weights, Adam state, training progress, and the run's identity) every K training batches;
// `--resume` continues the run in RUN_DIR from the newest checkpoint it shares with the server.
// In the HE modes the identity also names the CKKS preset and the key id, the marker keeps the key
// switches reported so far, paper's checkpoint holds the pending W' + M and a frozen sealed layer's
// holds the client's Delta; the secret key itself
// stays in RUN_DIR/client_secret.key (mode 0600), which a resumed run reloads. A plain run keeps a
// secret of its own in RUN_DIR/run_secret (mode 0600): the server binds the run's checkpoints to
// its proof (split/run_owner.hpp), as it binds an HE run's to its key id.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <optional>

#include "cli/training_session.hpp"
#include "nn/client_front.hpp"
#include "split/protocols/he/he_client_crypto.hpp"
#include "split/protocols/he/he_remote_head.hpp"
#include "split/session/checkpoint_store.hpp"
#include "split/session/session_checkpoints.hpp"
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
  // settings (mode, seed, sizes, learning rates, data, CKKS preset), throwing an error that names
  // the differing setting and both values.
  ClientCheckpoints(const std::filesystem::path& run_dir, const CheckpointFlags& flags,
                    const RunOptions& run, const LoadedDataset& data, nn::ClientFront& front,
                    split::TrainingObserver& inner);

  bool resuming() const { return !request_.resume.empty(); }
  // HE modes, --resume: the client's key reloaded from RUN_DIR, checked against the checkpoint's
  // key id (an error names both ids).
  std::shared_ptr<const split::HeClientCrypto> reload_key(const RunOptions& run,
                                                          std::size_t classes) const;
  // HE modes: the session's head, whose key id joins the identity and whose state (key switches,
  // paper's pending refresh) joins every checkpoint.
  void attach(split::HeRemoteHead& he);

  // For the Hello: run id, interval, and the positions held when resuming.
  const split::CheckpointRequest& request() const { return request_; }
  // After the handshake: loads the checkpoint the server chose into the front (and the HE head)
  // and returns its progress (nothing when the run starts afresh).
  std::optional<split::TrainingProgress> load(
      const std::optional<split::CheckpointPosition>& chosen);

  void on_batch(const split::BatchProgress& progress) override { inner_.on_batch(progress); }
  void on_epoch(const split::EpochResult& result) override { inner_.on_epoch(result); }
  void on_progress(const split::TrainingProgress& progress) override;

 private:
  split::CheckpointStore store_;
  std::filesystem::path run_dir_;
  split::CheckpointFields identity_;
  split::CheckpointFields resumed_fields_;  // the newest checkpoint's marker, when resuming
  split::CheckpointRequest request_;
  nn::ClientFront& front_;
  split::TrainingObserver& inner_;
  split::HeRemoteHead* he_ = nullptr;
  double learning_rate_ = 0;
  std::uint64_t seed_ = 0;
};

struct CheckpointedRun {
  split::TrainingResult result;
  RemoteHead remote;  // for the run's outputs (key switches, CKKS parameters)
};

// A client run (plain, paper or sealed) with checkpoints and/or --resume over `transport`;
// `crypto`: the reloaded key of a resumed HE run (ClientCheckpoints::reload_key), else null.
CheckpointedRun train_with_checkpoints(split::Transport& transport, const RunOptions& run,
                                       const LoadedDataset& data, nn::ClientFront& front,
                                       ClientCheckpoints& checkpoints,
                                       const std::filesystem::path& run_dir,
                                       std::shared_ptr<const split::HeClientCrypto> crypto);

}  // namespace hesplit::cli
