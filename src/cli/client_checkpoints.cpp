#include "cli/client_checkpoints.hpp"

#include <charconv>
#include <fstream>
#include <iostream>
#include <sstream>

#include "report/atomic_file.hpp"
#include "split/protocols/he/he_protocol.hpp"
#include "split/protocols/plain/plain_client.hpp"
#include "split/protocols/sealed/own_delta.hpp"
#include "split/session/run_owner.hpp"
#include "split/trainer.hpp"
#include "split/transport.hpp"
#include "split/vector_file.hpp"

namespace hesplit::cli {

namespace {

constexpr const char* kFrontFile = "client_front.pt";
constexpr const char* kOptimizerFile = "client_optimizer.pt";
constexpr const char* kRefreshFile = "client_refresh.hsvd";  // paper: the pending W' + M
constexpr const char* kKeySwitchesField = "key_switches";
// Plain mode: the run's secret, whose proof binds the server's checkpoints of the run to this
// client (split/run_owner.hpp). Mode 0600, never sent.
constexpr const char* kRunSecretFile = "run_secret";

bool he_mode(const std::string& mode) {
  return mode == split::kPaperProtocol || mode == split::kSealedProtocol;
}

// What a resumed run must share with the run it continues.
split::CheckpointFields identity_of(const RunOptions& run, const LoadedDataset& data) {
  const split::TrainOptions& t = run.train;
  split::CheckpointFields identity{{"mode", run.mode},
                                   {"seed", std::to_string(t.seed)},
                                   {"batch", std::to_string(t.batch_size)},
                                   {"epochs", std::to_string(t.epochs)},
                                   {"max_batches", std::to_string(t.max_batches)},
                                   {"client_lr", split::exact_number(t.client_lr)},
                                   {"server_lr", split::exact_number(t.server_lr)},
                                   {"data", data.source},
                                   {"classes", std::to_string(data.classes)}};
  if (he_mode(run.mode)) {
    identity["ckks_preset"] = run.he.preset;
    identity["flood"] = run.he.flood ? "1" : "0";
    if (run.mode == split::kSealedProtocol) identity["server_layer"] = run.he.server_layer;
  }
  return identity;
}

// Per-epoch key switches as "epoch:rotations:relinearizations,...".
std::string key_switch_text(const std::map<std::uint32_t, split::EpochKeySwitches>& counts) {
  std::ostringstream text;
  for (const auto& [epoch, ks] : counts) {
    if (text.tellp() > 0) text << ',';
    text << epoch << ':' << ks.rotations << ':' << ks.relinearizations;
  }
  return text.str();
}

std::map<std::uint32_t, split::EpochKeySwitches> parse_key_switches(const std::string& text,
                                                                    const std::string& source) {
  std::map<std::uint32_t, split::EpochKeySwitches> counts;
  std::stringstream list(text);
  for (std::string item; std::getline(list, item, ',');) {
    std::uint32_t epoch = 0;
    split::EpochKeySwitches ks;
    const char* p = item.data();
    const char* end = item.data() + item.size();
    auto number = [&](auto& value, bool last) {
      const auto [next, error] = std::from_chars(p, end, value);
      const bool ok = error == std::errc() && (last ? next == end : next != end && *next == ':');
      if (!ok) {
        throw std::runtime_error(source + ": \"" + kKeySwitchesField + "\" entry \"" +
                                 item.substr(0, 64) + "\" is not epoch:rotations:relinearizations");
      }
      p = last ? next : next + 1;
    };
    number(epoch, false);
    number(ks.rotations, false);
    number(ks.relinearizations, true);
    counts[epoch] = ks;
  }
  return counts;
}

// The proof a plain run sends with its Hello: of a fresh secret for a new run (written to
// RUN_DIR/run_secret), of the saved one for a resumed run.
std::string plain_run_proof(const std::filesystem::path& run_dir, bool resume) {
  const std::filesystem::path file = run_dir / kRunSecretFile;
  if (!resume) {
    const std::string secret = split::new_run_secret();
    report::write_private_file_atomic(file, secret + "\n");
    return split::run_proof(secret);
  }
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(file, error);
  std::string secret;
  if (!error && size <= 256) {
    std::ifstream in(file, std::ios::binary);
    std::getline(in, secret);
  }
  if (secret.size() != 64 || secret.find_first_not_of("0123456789abcdef") != std::string::npos) {
    throw std::runtime_error("--resume: " + file.string() +
                             " is missing or not a run secret (64 hex digits); the server keeps "
                             "this run's checkpoints only for the client holding it");
  }
  return split::run_proof(secret);
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
                "continue the run in --out from its newest checkpoint shared with the server (HE "
                "modes: with the secret key kept in RUN_DIR/client_secret.key; plain: with the "
                "run secret kept in RUN_DIR/run_secret)")
      ->group("Checkpoints");
}

ClientCheckpoints::ClientCheckpoints(const std::filesystem::path& run_dir,
                                     const CheckpointFlags& flags, const RunOptions& run,
                                     const LoadedDataset& data, nn::ClientFront& front,
                                     split::TrainingObserver& inner)
    : store_(run_dir / "checkpoints"),
      run_dir_(run_dir),
      identity_(identity_of(run, data)),
      front_(front),
      inner_(inner),
      learning_rate_(run.train.client_lr),
      seed_(run.train.seed) {
  if (flags.resume && !run.out) {
    throw CLI::ValidationError("--resume", "needs --out RUN_DIR, the run to continue");
  }
  request_.every = flags.every;
  const bool plain = run.mode == split::kPlainProtocol;
  if (!flags.resume) {
    request_.run_id = split::new_run_id();
    if (plain) request_.run_proof = plain_run_proof(run_dir, false);
    return;
  }
  request_.resume = store_.available();
  if (request_.resume.empty()) {
    throw std::runtime_error("--resume: no checkpoint in " + store_.root().string());
  }
  // The start of the run is a checkpoint both sides always hold (the seed rebuilds it): when the
  // first checkpoint exists on one side only, the run restarts from there.
  request_.resume.push_back(split::kStartPosition);
  resumed_fields_ = store_.fields(request_.resume.front());
  for (const auto& [key, value] : identity_) {
    const auto it = resumed_fields_.find(key);
    if (it == resumed_fields_.end() || it->second != value) {
      throw std::runtime_error("--resume: the run in " + run_dir.string() + " was made with " +
                               key + " = " + (it == resumed_fields_.end() ? "(none)" : it->second) +
                               ", this command asks for " + key + " = " + value);
    }
  }
  request_.run_id = resumed_fields_.at(split::kRunIdField);
  if (plain) request_.run_proof = plain_run_proof(run_dir, true);
}

std::shared_ptr<const split::HeClientCrypto> ClientCheckpoints::reload_key(
    const RunOptions& run, std::size_t classes) const {
  if (!resuming() || !he_mode(run.mode)) return nullptr;
  const std::filesystem::path file = run_dir_ / kClientKeyFile;
  auto crypto = std::make_shared<const split::HeClientCrypto>(
      split::HeClientCrypto::load(file, static_cast<std::size_t>(nn::kSplitFeatures), classes));
  const auto saved = resumed_fields_.find(split::kKeyIdField);
  const std::string id = crypto->key_id();
  if (saved == resumed_fields_.end() || saved->second != id) {
    throw std::runtime_error(
        "--resume: the checkpoints in " + store_.root().string() + " were made with key_id = " +
        (saved == resumed_fields_.end() ? std::string("(none)") : saved->second) + ", the key " +
        file.string() + " has key_id = " + id);
  }
  return crypto;
}

void ClientCheckpoints::attach(split::HeRemoteHead& he) {
  he_ = &he;
  identity_[split::kKeyIdField] = he.crypto().key_id();
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
  const split::CheckpointFields fields = store_.fields(*chosen);
  split::TrainingProgress progress = split::progress_from_fields(fields, folder.string());
  progress.epoch = static_cast<int>(chosen->epoch);
  progress.next_batch = chosen->next_batch;
  progress.global_batches = chosen->global_batches;
  if (he_ != nullptr) {
    const auto ks = fields.find(kKeySwitchesField);
    if (ks == fields.end()) {
      throw std::runtime_error(folder.string() + ": no \"" + kKeySwitchesField + "\"");
    }
    he_->restore_key_switches(parse_key_switches(ks->second, folder.string()));
    if (std::filesystem::exists(folder / kRefreshFile)) {
      const std::int64_t classes = std::stoll(identity_.at("classes"));
      const std::vector<double> values = split::load_vector_file(
          folder / kRefreshFile, static_cast<std::size_t>(classes * nn::kSplitFeatures));
      he_->restore_pending_refresh(nn::FloatTensor{
          {classes, nn::kSplitFeatures}, std::vector<float>(values.begin(), values.end())});
    }
    if (!he_->own_delta().empty()) {
      split::OwnDelta own =
          split::load_own_delta(folder, he_->own_delta_bias().size(),
                                he_->own_delta().size() / he_->own_delta_bias().size());
      he_->restore_own_delta(std::move(own.weight), std::move(own.bias));
    }
  }
  std::cerr << "hesplit: resuming from checkpoint " << split::to_string(*chosen) << std::endl;
  return progress;
}

void ClientCheckpoints::on_progress(const split::TrainingProgress& progress) {
  inner_.on_progress(progress);
  if (request_.every == 0 || progress.global_batches % request_.every != 0) return;
  split::CheckpointFields fields = identity_;
  fields[split::kRunIdField] = request_.run_id;
  for (auto& [key, value] : split::progress_fields(progress)) fields[key] = value;
  if (he_ != nullptr) fields[kKeySwitchesField] = key_switch_text(he_->key_switches());
  store_.save(
      {static_cast<std::uint32_t>(progress.epoch), progress.next_batch, progress.global_batches},
      fields, [this](const std::filesystem::path& folder) {
        front_.save(folder / kFrontFile);  // both atomic and owner-only themselves
        front_.save_optimizer(folder / kOptimizerFile);
        if (he_ != nullptr && he_->pending_refresh()) {
          const std::vector<float>& w = he_->pending_refresh()->data;
          split::save_vector_file(folder / kRefreshFile, std::vector<double>(w.begin(), w.end()));
        }
        if (he_ != nullptr && !he_->own_delta().empty()) {
          split::save_own_delta(folder, {he_->own_delta(), he_->own_delta_bias()});
        }
      });
}

CheckpointedRun train_with_checkpoints(split::Transport& transport, const RunOptions& run,
                                       const LoadedDataset& data, nn::ClientFront& front,
                                       ClientCheckpoints& checkpoints,
                                       const std::filesystem::path& run_dir,
                                       std::shared_ptr<const split::HeClientCrypto> crypto) {
  CheckpointedRun out;
  out.remote = make_remote_head(transport, run, data.classes, run_dir, checkpoints.request(),
                                std::move(crypto));
  if (out.remote.he != nullptr) checkpoints.attach(*out.remote.he);
  const std::optional<split::TrainingProgress> resumed = checkpoints.load(out.remote.resumed_from);
  out.result = split::train(front, *out.remote.head, data.dataset, data.classes, run.train,
                            checkpoints, resumed ? &*resumed : nullptr);
  return out;
}

}  // namespace hesplit::cli
