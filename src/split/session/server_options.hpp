#pragma once
// What every protocol's server is given (ServerOptions) and reports (SessionReport), shared by the
// protocols and by serve_session (split/serve_session.hpp), which picks the protocol.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "split/head_session.hpp"
#include "split/server_view_file.hpp"
#include "split/session/live_runs.hpp"
#include "split/session/run_owner.hpp"
#include "split/transport.hpp"

namespace hesplit::split {

// Samples per message a server accepts unless told otherwise (hesplit server --max-rows): the
// evaluation chunk (1024) and any usual training batch fit, and the largest HE message at
// sealed-16384 stays far below gRPC's 2 GiB message limit.
inline constexpr std::int64_t kDefaultMaxRows = 4096;

struct ServerOptions {
  // Where the server half's checkpoint (server_head.pt) is written when the session ends.
  std::optional<std::filesystem::path> checkpoint_dir;
  // Where the batch checkpoints go, one folder per run id (unset: checkpoint_dir/checkpoints).
  // Concurrent sessions share it: a resumed session finds its run's folder by the run id of its
  // Hello, whichever session slot it arrives in.
  std::optional<std::filesystem::path> checkpoint_root;
  // The most run folders kept under the checkpoint root; a new run beyond it is refused at Hello
  // (run_owner.hpp, which also binds each folder to the client that made it).
  std::size_t max_checkpoint_runs = kDefaultMaxCheckpointRuns;
  // The runs being served right now, shared by the sessions of one server (null: not tracked);
  // a second live session of the same run id is refused.
  std::shared_ptr<LiveRuns> live_runs;
  // Called after each training batch has been answered (progress display, fault-injection tests).
  std::function<void(const BatchId&)> on_batch;
  // LibTorch threads of the session's thread (0: leave the default). OpenMP's thread count is a
  // per-thread setting, so a server thread must set it for itself.
  int torch_threads = 0;
  // Threads of an HE session's computations, its own thread included (split layer: key switches
  // split over them, docs/performance.md). 2 suits an otherwise idle two-core machine; on a
  // machine whose cores are busy with other work, 1 is faster.
  std::size_t he_threads = 2;
  // Largest number of samples accepted in one message; with the protocol's parameters it fixes
  // the largest message a session accepts (message_bounds.hpp).
  std::int64_t max_rows = kDefaultMaxRows;
  // Where to record the server's view of each session (one file per session), if anywhere.
  std::optional<std::filesystem::path> record_dir;
  // Set by serve_session while recording (not owned): protocols add the values they compute but
  // never send (masks, refreshed weights) with recorder->computed(...).
  ServerViewWriter* recorder = nullptr;
  // A deviating server for the privacy evaluation (docs/privacy.md): "decryption-oracle" makes
  // the paper server send the client's own Enc(A) in place of Enc(W' + M). Empty: honest.
  std::string adversary;
};

struct SessionReport {
  std::string protocol;
  std::uint64_t training_batches = 0;
  std::map<std::string, std::string> final_metrics;  // from the client's Goodbye
  Traffic traffic;
};

inline constexpr const char* kServerCheckpoint = "server_head.pt";
inline constexpr const char* kClientCheckpoint = "client_front.pt";

// Where a session's batch checkpoints are kept (see ServerOptions::checkpoint_root).
std::optional<std::filesystem::path> batch_checkpoint_root(const ServerOptions& options);

}  // namespace hesplit::split
