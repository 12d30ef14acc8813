#include "cli/client_checkpoints.hpp"

#include <iostream>

#include "report/atomic_file.hpp"
#include "split/plain_client.hpp"
#include "split/trainer.hpp"
#include "split/transport.hpp"

namespace hesplit::cli {

namespace {

constexpr const char* kFrontFile = "client_front.pt";
constexpr const char* kOptimizerFile = "client_optimizer.pt";

// What a resumed run must share with the run it continues.
split::CheckpointFields identity_of(const RunOptions& run, const LoadedDataset& data) {
  const split::TrainOptions& t = run.train;
  return {{"mode", run.mode},
          {"seed", std::to_string(t.seed)},
          {"batch", std::to_string(t.batch_size)},
          {"epochs", std::to_string(t.epochs)},
          {"max_batches", std::to_string(t.max_batches)},
          {"client_lr", split::exact_number(t.client_lr)},
          {"server_lr", split::exact_number(t.server_lr)},
          {"data", data.source},
          {"classes", std::to_string(data.classes)}};
}

}  // namespace

void add_checkpoint_options(CLI::App& command, CheckpointFlags& flags) {
  command
      .add_option("--checkpoint-every", flags.every,
                  "write a checkpoint of both roles every K training batches (RUN_DIR/checkpoints "
                  "and the server's --out/checkpoints; the newest two are kept)")
      ->capture_default_str()
      ->group("Checkpoints");
  command
      .add_flag("--resume", flags.resume,
                "continue the run in --out from its newest checkpoint shared with the server")
      ->group("Checkpoints");
}

ClientCheckpoints::ClientCheckpoints(const std::filesystem::path& run_dir,
                                     const CheckpointFlags& flags, const RunOptions& run,
                                     const LoadedDataset& data, nn::ClientFront& front,
                                     split::TrainingObserver& inner)
    : store_(run_dir / "checkpoints"),
      identity_(identity_of(run, data)),
      front_(front),
      inner_(inner),
      learning_rate_(run.train.client_lr),
      seed_(run.train.seed) {
  if (run.mode != "plain") {
    throw CLI::ValidationError("--checkpoint-every/--resume",
                               "checkpoints are implemented for --mode plain only");
  }
  if (flags.resume && !run.out) {
    throw CLI::ValidationError("--resume", "needs --out RUN_DIR, the run to continue");
  }
  request_.every = flags.every;
  if (!flags.resume) {
    request_.run_id = split::new_run_id();
    return;
  }
  request_.resume = store_.available();
  if (request_.resume.empty()) {
    throw std::runtime_error("--resume: no checkpoint in " + store_.root().string());
  }
  // The start of the run is a checkpoint both sides always hold (the seed rebuilds it): when the
  // first checkpoint exists on one side only, the run restarts from there.
  request_.resume.push_back(split::kStartPosition);
  const split::CheckpointFields saved = store_.fields(request_.resume.front());
  for (const auto& [key, value] : identity_) {
    const auto it = saved.find(key);
    if (it == saved.end() || it->second != value) {
      throw std::runtime_error("--resume: the run in " + run_dir.string() + " was made with " +
                               key + " = " + (it == saved.end() ? "(none)" : it->second) +
                               ", this command asks for " + key + " = " + value);
    }
  }
  request_.run_id = saved.at(split::kRunIdField);
}

std::optional<split::TrainingProgress> ClientCheckpoints::load(
    const std::optional<split::CheckpointPosition>& chosen) {
  if (!chosen) return std::nullopt;
  if (*chosen == split::kStartPosition) {
    std::cerr << "hesplit: resuming from the start of the run (no checkpoint in common)"
              << std::endl;
    front_ = nn::ClientFront(seed_, learning_rate_);
    return std::nullopt;
  }
  const std::filesystem::path folder = store_.folder(*chosen);
  front_ = nn::ClientFront::load(folder / kFrontFile, learning_rate_);
  front_.load_optimizer(folder / kOptimizerFile);
  split::TrainingProgress progress =
      split::progress_from_fields(store_.fields(*chosen), folder.string());
  progress.epoch = static_cast<int>(chosen->epoch);
  progress.next_batch = chosen->next_batch;
  progress.global_batches = chosen->global_batches;
  std::cerr << "hesplit: resuming from checkpoint " << split::to_string(*chosen) << std::endl;
  return progress;
}

void ClientCheckpoints::on_progress(const split::TrainingProgress& progress) {
  inner_.on_progress(progress);
  if (request_.every == 0 || progress.global_batches % request_.every != 0) return;
  split::CheckpointFields fields = identity_;
  fields[split::kRunIdField] = request_.run_id;
  for (auto& [key, value] : split::progress_fields(progress)) fields[key] = value;
  store_.save(
      {static_cast<std::uint32_t>(progress.epoch), progress.next_batch, progress.global_batches},
      fields, [this](const std::filesystem::path& folder) {
        report::write_file_atomic_with(folder / kFrontFile,
                                       [this](const std::filesystem::path& t) { front_.save(t); });
        report::write_file_atomic_with(
            folder / kOptimizerFile,
            [this](const std::filesystem::path& t) { front_.save_optimizer(t); });
      });
}

split::TrainingResult train_plain_with_checkpoints(split::Transport& transport,
                                                   const RunOptions& run, const LoadedDataset& data,
                                                   nn::ClientFront& front,
                                                   ClientCheckpoints& checkpoints) {
  const split::TrainOptions& t = run.train;
  split::HeadParams params{t.seed, t.server_lr, nn::kSplitFeatures,
                           static_cast<std::int64_t>(data.classes), t.batch_size};
  params.checkpoints = checkpoints.request();
  split::PlainRemoteHead head(transport, params);
  const std::optional<split::TrainingProgress> resumed = checkpoints.load(head.resumed_from());
  return split::train(front, head, data.dataset, data.classes, t, checkpoints,
                      resumed ? &*resumed : nullptr);
}

}  // namespace hesplit::cli
