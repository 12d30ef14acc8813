#include "cli/training_session.hpp"

#include <bit>

#include <malloc.h>
#include <unistd.h>

#include <fmt/format.h>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include "cli/dataset_table.hpp"
#include "ecg/prepare.hpp"
#include "nn/torch_threads.hpp"
#include "report/progress.hpp"
#include "split/protocols/sealed/own_delta.hpp"
#include "split/session/server_options.hpp"
#include "split/trainer.hpp"

namespace hesplit::cli {

namespace {

// report::Progress can be neither copied nor moved; this holder builds it in place.
struct ProgressHolder {
  report::Progress progress;
  template <typename Make>
  explicit ProgressHolder(Make make) : progress(make()) {}
};

class ProgressObserver final : public split::TrainingObserver {
 public:
  explicit ProgressObserver(std::size_t exit_after_batches)
      : exit_after_batches_(exit_after_batches) {}

  void on_batch(const split::BatchProgress& p) override {
    if (!current_ || p.batch == 1) {
      const std::string label = fmt::format("epoch {}/{}", p.epoch, p.epochs);
      current_ = std::make_unique<ProgressHolder>(
          [&] { return report::Progress::on_stderr(label, p.batches); });
    }
    current_->progress.update(p.batch - 1, p.samples, p.running_loss, p.running_accuracy);
    ++batches_done_;
    if (exit_after_batches_ > 0 && batches_done_ >= exit_after_batches_) {
      std::cerr << "hesplit: exiting abruptly after " << batches_done_
                << " batches (--exit-after-batches)" << std::endl;
      std::_Exit(75);
    }
  }

  void on_epoch(const split::EpochResult& result) override {
    if (!current_) return;
    current_->progress.finish(static_cast<std::uint64_t>(result.samples), result.train_loss,
                              result.train_accuracy,
                              fmt::format("test acc {:.2f}%", 100.0 * result.test_accuracy));
    current_.reset();
  }

 private:
  std::size_t exit_after_batches_;
  std::size_t batches_done_ = 0;
  std::unique_ptr<ProgressHolder> current_;
};

std::string utc_stamp() {
  const std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d-%H%M%S", &parts);
  return text;
}

}  // namespace

void add_data_options(CLI::App& command, DataOptions& options) {
  command.add_option("--data", options.data,
                     "beat dataset (HDF5, DATA.md layout); default: the paper split, prepared "
                     "from --mitdb on first use and cached");
  command.add_option("--mitdb", options.mitdb, "MIT-BIH folder used when --data is absent")
      ->capture_default_str();
  command.add_option("--cache", options.cache, "where the default paper split is cached")
      ->capture_default_str();
}

void add_run_options(CLI::App& command, RunOptions& options) {
  split::TrainOptions& t = options.train;
  command.add_option("--epochs", t.epochs, "training epochs")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  command.add_option("--batch", t.batch_size, "samples per batch")
      ->capture_default_str()
      ->check(CLI::Range(1, 65536));
  command.add_option("--seed", t.seed, "seed of the weight initialisation")->capture_default_str();
  command.add_option("--client-lr", t.client_lr, "Adam learning rate of the client front")
      ->capture_default_str();
  command.add_option("--server-lr", t.server_lr, "SGD learning rate of the server layer")
      ->capture_default_str();
  command
      .add_option("--max-batches", t.max_batches,
                  "stop each epoch after K batches (0: whole epoch)")
      ->capture_default_str();
  command.add_option("--threads", options.threads, "LibTorch threads per process")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  command.add_flag("--busy-poll,!--no-busy-poll", options.busy_poll,
                   "plain: run the client's network calls on an I/O thread and let both threads "
                   "spin up to 2 ms for each other instead of sleeping, so the four messages of "
                   "a batch wait for no sleeping CPU (needs a CPU beyond --threads, else off; "
                   "default: on)");
  command.add_option("--out", options.out, "run directory (default runs/<mode>-seed<S>-<time>)");
  command
      .add_option("--exit-after-batches", options.exit_after_batches,
                  "testing aid: end the process abruptly after K training batches")
      ->group("Testing");
}

void add_he_options(CLI::App& command, RunOptions& options) {
  command
      .add_option("--ckks", options.he.preset,
                  "CKKS parameter preset of the HE modes (paper also takes the artifact's "
                  "paper-8192/paper-16384: primes {40,21,21,21}+40, A and eta G at 2^21)")
      ->capture_default_str()
      ->check(CLI::IsMember({"sealed-8192", "sealed-16384", "paper-8192", "paper-16384"}));
  command.add_flag("--flood", options.he.flood,
                   "sealed: the server re-randomises each reply (a fresh public-key encryption "
                   "of zero) and adds 2^-20 of slot noise. Not statistical circuit privacy: the "
                   "noise exceeds the replies' own error by about 2^5.5, not the 2^40 that needs "
                   "(docs/security.md, \"--flood\")");
  command
      .add_option("--server-layer", options.he.server_layer,
                  "sealed: encrypted (server keeps W0 + Enc(Delta)) | frozen (server applies "
                  "W0 only; the client adds its own Delta terms)")
      ->capture_default_str()
      ->check(CLI::IsMember({"encrypted", "frozen"}));
}

void add_he_threads_option(CLI::App& command, std::size_t& threads) {
  command
      .add_option("--he-threads", threads,
                  "threads of the HE server's computations, its session thread included (2 suits "
                  "an idle two-core machine; 1 is faster when other jobs keep the cores busy)")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
}

RemoteHead make_remote_head(split::Transport& transport, const RunOptions& options,
                            std::size_t classes, const std::filesystem::path& run_dir,
                            const split::CheckpointRequest& checkpoints,
                            std::shared_ptr<const split::HeClientCrypto> crypto) {
  const split::TrainOptions& t = options.train;
  split::HeadParams params;
  params.seed = t.seed;
  params.server_lr = t.server_lr;
  params.features = nn::kSplitFeatures;
  params.classes = static_cast<std::int64_t>(classes);
  params.batch_size = t.batch_size;
  params.checkpoints = checkpoints;
  RemoteHead remote;
  if (options.mode == "plain") {
    auto plain = std::make_unique<split::PlainRemoteHead>(transport, params);
    remote.resumed_from = plain->resumed_from();
    remote.head = std::move(plain);
    return remote;
  }
  if (options.mode != split::kPaperProtocol && options.mode != split::kSealedProtocol) {
    throw CLI::ValidationError("--mode", "unknown network mode " + options.mode);
  }
  if (options.mode == split::kSealedProtocol && options.he.preset.starts_with("paper-")) {
    throw CLI::ValidationError("--ckks", options.he.preset +
                                             " (21-bit primes) serves --mode paper only; sealed "
                                             "needs sealed-8192 or sealed-16384");
  }
  if (!crypto) {
    auto fresh = std::make_shared<split::HeClientCrypto>(
        options.he.preset, static_cast<std::size_t>(nn::kSplitFeatures), classes);
    std::filesystem::create_directories(run_dir);
    fresh->save_secret_key(run_dir / kClientKeyFile);
    crypto = std::move(fresh);
  }
  auto he = std::make_unique<split::HeRemoteHead>(transport, params, options.mode, options.he,
                                                  std::move(crypto));
  remote.he = he.get();
  remote.resumed_from = he->resumed_from();
  remote.head = std::move(he);
  return remote;
}

namespace {

// The default paper split, prepared from the MIT-BIH folder and written to the cache file.
ecg::BeatDataset prepare_default_split(const DataOptions& options) {
  if (!std::filesystem::exists(options.mitdb / "100.hea")) {
    throw ecg::DatasetError("no --data given and no MIT-BIH records in " + options.mitdb.string() +
                            " to prepare the default paper split from");
  }
  std::cerr << "hesplit: preparing the paper split from " << options.mitdb.string() << " into "
            << options.cache.string() << " (once)" << std::endl;
  ecg::PrepareOptions prepare;
  prepare.mitdb_dir = options.mitdb;
  prepare.split = ecg::SplitKind::kPaper;
  prepare.classes = ecg::ClassScheme::kNlrav;
  prepare.seed = 0;
  const auto start = std::chrono::steady_clock::now();
  ecg::BeatDataset dataset = ecg::prepare_dataset(prepare);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  if (options.cache.has_parent_path())
    std::filesystem::create_directories(options.cache.parent_path());
  ecg::write_beat_dataset(options.cache, dataset);
  print_dataset_table(dataset, took.count());
  std::cout << "wrote " << options.cache.string() << '\n';
  return dataset;
}

// The cache is ours to rebuild: one that cannot be read (an older file format, a torn write) is
// prepared again rather than ending the run, as long as the MIT-BIH records are there.
ecg::BeatDataset cached_default_split(const DataOptions& options) {
  if (std::filesystem::exists(options.cache)) {
    try {
      return ecg::read_beat_dataset(options.cache);
    } catch (const ecg::DatasetError& e) {
      if (!std::filesystem::exists(options.mitdb / "100.hea")) throw;
      std::cerr << "hesplit: cannot use the cached split (" << e.what() << "); preparing it again"
                << std::endl;
    }
  }
  return prepare_default_split(options);
}

}  // namespace

LoadedDataset load_dataset(const DataOptions& options) {
  LoadedDataset loaded;
  if (options.data) {
    loaded.source = options.data->string();
    loaded.dataset = ecg::read_beat_dataset(*options.data);
  } else {
    loaded.source = options.cache.string();
    loaded.dataset = cached_default_split(options);
  }
  loaded.classes = split::checked_class_count(loaded.dataset, loaded.source);
  return loaded;
}

std::filesystem::path run_directory(const RunOptions& options) {
  if (options.out) return *options.out;
  return std::filesystem::path("runs") /
         fmt::format("{}-seed{}-{}", options.mode, options.train.seed, utc_stamp());
}

std::unique_ptr<split::TrainingObserver> make_progress_observer(std::size_t exit_after_batches) {
  return std::make_unique<ProgressObserver>(exit_after_batches);
}

void apply_threads(const RunOptions& options) { nn::set_torch_threads(options.threads); }

void keep_freed_memory() {
  constexpr int kBytes = 256 << 20;
  mallopt(M_TRIM_THRESHOLD, kBytes);
  mallopt(M_MMAP_THRESHOLD, kBytes);
  mallopt(M_TOP_PAD, 64 << 20);
}

void write_client_outputs(const std::filesystem::path& run_dir, const RunOptions& options,
                          const LoadedDataset& data, const split::TrainingResult& result,
                          const nn::ClientFront& front, const split::HeRemoteHead* he) {
  std::filesystem::create_directories(run_dir);
  front.save(run_dir / split::kClientCheckpoint);
  // sealed: the client's own Delta, which `hesplit release` publishes with W0.
  if (he != nullptr && !he->own_delta().empty()) {
    split::save_own_delta(run_dir, {he->own_delta(), he->own_delta_bias()});
  }
  report::RunSummary summary;
  summary.mode = options.mode;
  summary.seed = options.train.seed;
  summary.batch_size = static_cast<int>(options.train.batch_size);
  summary.dataset = data.source;
  for (const split::EpochResult& e : result.epochs) {
    report::EpochMetrics m;
    m.epoch = e.epoch;
    m.train_loss = e.train_loss;
    m.train_accuracy = e.train_accuracy;
    m.test_accuracy = e.test_accuracy;
    m.seconds = e.seconds;
    m.bytes_client_to_server = e.bytes_client_to_server;
    m.bytes_server_to_client = e.bytes_server_to_client;
    m.batches = e.batches;
    m.samples = e.samples;
    if (he != nullptr) {
      const auto found = he->key_switches().find(static_cast<std::uint32_t>(e.epoch));
      const split::EpochKeySwitches ks =
          found == he->key_switches().end() ? split::EpochKeySwitches{} : found->second;
      m.rotations = ks.rotations;
      m.relinearizations = ks.relinearizations;
      m.key_switches = ks.rotations + ks.relinearizations;
    }
    summary.epochs.push_back(m);
  }
  summary.test_accuracy = result.test_accuracy;
  summary.confusion_matrix = result.confusion_matrix;
  summary.class_names = data.dataset.class_names;
  summary.client_lr = options.train.client_lr;
  summary.server_lr = options.train.server_lr;
  summary.train_samples = data.dataset.train.size();
  summary.test_samples = data.dataset.test.size();
  if (options.train.max_batches > 0) summary.max_batches = options.train.max_batches;
  summary.threads = options.threads;
  summary.hesplit_version = HESPLIT_VERSION;
  if (he != nullptr) {
    const ckks::CkksContext& context = he->crypto().context();
    report::CkksInfo info;
    info.preset = options.he.preset;
    info.ring_dimension = context.degree();
    for (const std::uint64_t q : context.parameters().data_primes) {
      info.moduli_bits.push_back(std::bit_width(q));
    }
    for (const std::uint64_t p : context.parameters().special_primes) {
      info.moduli_bits.push_back(std::bit_width(p));
    }
    // The preset's own encoding scale (the artifact's paper-* presets encode at 2^21).
    info.scale = split::he_scales(context).activations;
    // Every context passed the HomomorphicEncryption.org 128-bit table when it was created (it
    // refuses anything else), whatever the preset.
    info.security_bits = 128;
    summary.ckks = info;
    if (options.mode == split::kSealedProtocol) summary.server_layer = options.he.server_layer;
  }
  report::write_run_outputs(run_dir, summary);
}

void print_result(const split::TrainingResult& result, const std::filesystem::path& run_dir) {
  for (const split::EpochResult& e : result.epochs) {
    std::cout << fmt::format(
        "epoch {:>3}  loss {:.4f}  train acc {:.2f}%  test acc {:.2f}%  {:.2f} s  {} B up  {} B "
        "down\n",
        e.epoch, e.train_loss, 100.0 * e.train_accuracy, 100.0 * e.test_accuracy, e.seconds,
        e.bytes_client_to_server, e.bytes_server_to_client);
  }
  std::cout << fmt::format("test accuracy {:.2f}%  run: {}\n", 100.0 * result.test_accuracy,
                           run_dir.string());
}

}  // namespace hesplit::cli
