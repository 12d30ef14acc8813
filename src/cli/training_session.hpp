#pragma once
// Shared wiring of the training commands (train, client, server, evaluate): dataset choice,
// training options, progress display, and the run's output files via the report layer.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "ecg/beat_dataset.hpp"
#include "nn/client_front.hpp"
#include "report/run_summary.hpp"
#include "split/protocols/he/he_protocol.hpp"
#include "split/protocols/he/he_remote_head.hpp"
#include "split/training_types.hpp"
#include "split/transport.hpp"

namespace hesplit::cli {

// The default of `hesplit train --mode` (one constant: it becomes "sealed" with the HE protocols).
inline constexpr const char* kDefaultTrainMode = "sealed";

struct DataOptions {
  std::optional<std::filesystem::path> data;   // --data FILE.h5
  std::filesystem::path mitdb = "data/mitdb";  // used when --data is absent
  std::filesystem::path cache = "data/paper-nlrav-seed0.h5";
};

struct RunOptions {
  std::string mode = kDefaultTrainMode;
  split::TrainOptions train;
  std::optional<std::filesystem::path> out;  // RUN_DIR
  int threads = 1;
  std::size_t exit_after_batches = 0;  // fault injection for tests: _Exit after K batches
  bool busy_poll = true;  // plain client: network on an I/O thread, waits spin (client_busy_wait)
  split::HeSessionOptions he;  // paper, sealed: --ckks, --flood, --server-layer
  std::size_t he_threads = 2;  // the in-process HE server's threads (--he-threads)
};

void add_data_options(CLI::App& command, DataOptions& options);
// --epochs --batch --seed --server-lr --client-lr --max-batches --threads --out and the testing aid
// --exit-after-batches.
void add_run_options(CLI::App& command, RunOptions& options);

// --ckks PRESET, --flood, --server-layer encrypted|frozen (HE modes).
void add_he_options(CLI::App& command, RunOptions& options);
// --he-threads N: threads of the HE server's computations (commands that run a server).
void add_he_threads_option(CLI::App& command, std::size_t& threads);

// The client's view of the server half for a network mode (plain, paper, sealed) over
// `transport`; for the HE modes it makes fresh keys, keeps the secret key in
// RUN_DIR/client_secret.key (never sent) and sends Hello with the public context. With
// `checkpoints` the Hello asks for checkpoints or to resume (issue 9); a resumed HE run passes the
// `crypto` reloaded from its key file instead of fresh keys.
struct RemoteHead {
  std::unique_ptr<split::HeadSession> head;
  split::HeRemoteHead* he = nullptr;                      // set for paper and sealed
  std::optional<split::CheckpointPosition> resumed_from;  // the server's choice, when resuming
};
inline constexpr const char* kClientKeyFile = "client_secret.key";
RemoteHead make_remote_head(split::Transport& transport, const RunOptions& options,
                            std::size_t classes, const std::filesystem::path& run_dir,
                            const split::CheckpointRequest& checkpoints = {},
                            std::shared_ptr<const split::HeClientCrypto> crypto = nullptr);

struct LoadedDataset {
  ecg::BeatDataset dataset;
  std::string source;  // file it came from
  std::size_t classes = 0;
};
// --data if given, else the cached default paper split (prepared from the MIT-BIH folder on first
// use). Throws ecg::DatasetError naming the file for missing or malformed datasets.
LoadedDataset load_dataset(const DataOptions& options);

// The run directory: --out, else runs/<mode>-seed<seed>-<UTC time>.
std::filesystem::path run_directory(const RunOptions& options);

// Progress bar on a terminal, log lines otherwise (report::Progress), plus fault injection.
std::unique_ptr<split::TrainingObserver> make_progress_observer(std::size_t exit_after_batches);

// Applies --threads to LibTorch.
void apply_threads(const RunOptions& options);

// Keeps freed memory in the process instead of returning it to the kernel after every batch.
// Why: a training batch allocates and frees the same few hundred KB thousands of times per epoch;
// with glibc's default trim and mmap thresholds the pages go back to the kernel and fault in again
// (~7% of the client thread's time in plain mode, measured with perf). Process-wide, set once by
// the training commands.
void keep_freed_memory();

// summary.json, metrics.csv, report.html and the client checkpoint in `run_dir`.
void write_client_outputs(const std::filesystem::path& run_dir, const RunOptions& options,
                          const LoadedDataset& data, const split::TrainingResult& result,
                          const nn::ClientFront& front, const split::HeRemoteHead* he = nullptr);

// One line per epoch and the final accuracy, on stdout.
void print_result(const split::TrainingResult& result, const std::filesystem::path& run_dir);

}  // namespace hesplit::cli
