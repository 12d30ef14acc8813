// `hesplit compare`: local, plain, paper, sealed (and sealed with the frozen server layer) for K
// training batches each, in one process on one machine (network modes over a loopback gRPC
// stream), and one table of seconds, bytes and key switches per batch, extrapolated to an epoch.
#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/commands.hpp"
#include "cli/network_options.hpp"
#include "cli/training_session.hpp"
#include "net/client_connection.hpp"
#include "net/grpc_logging.hpp"
#include "net/session_server.hpp"
#include "nn/server_head.hpp"
#include "split/local_head.hpp"
#include "split/serve_session.hpp"
#include "split/trainer.hpp"

namespace hesplit::cli {

namespace {

struct CompareCommand {
  DataOptions data;
  RunOptions run;
  std::size_t batches = 20;
  std::optional<std::filesystem::path> out;  // --out FILE.json
};

struct ModeFigures {
  std::string mode;
  double seconds_per_batch = 0.0;
  double up_per_batch = 0.0;
  double down_per_batch = 0.0;
  double key_switches_per_batch = 0.0;
  std::size_t batches = 0;
};

// The test side is cut to a few beats: compare measures training batches, not evaluation.
LoadedDataset trimmed(const LoadedDataset& data) {
  LoadedDataset copy = data;
  constexpr std::size_t kTestBeats = 16;
  ecg::BeatSet& t = copy.dataset.test;
  const std::size_t n = std::min(kTestBeats, t.size());
  t.x.resize(n * ecg::kBeatLength);
  t.y.resize(n);
  t.record.resize(n);
  t.r_peak.resize(n);
  return copy;
}

ModeFigures figures(const std::string& mode, const split::TrainingResult& result,
                    std::uint64_t key_switches) {
  const split::EpochResult& e = result.epochs.at(0);
  ModeFigures f;
  f.mode = mode;
  f.batches = e.batches;
  const double n = static_cast<double>(std::max<std::size_t>(e.batches, 1));
  f.seconds_per_batch = e.seconds / n;
  f.up_per_batch = static_cast<double>(e.bytes_client_to_server) / n;
  f.down_per_batch = static_cast<double>(e.bytes_server_to_client) / n;
  f.key_switches_per_batch = static_cast<double>(key_switches) / n;
  return f;
}

ModeFigures measure(const CompareCommand& cmd, const LoadedDataset& data, const std::string& mode,
                    const std::string& server_layer, const std::filesystem::path& scratch) {
  RunOptions run = cmd.run;
  run.mode = mode == "sealed-frozen" ? "sealed" : mode;
  run.he.server_layer = server_layer;
  run.train.epochs = 1;
  run.train.max_batches = cmd.batches;
  const split::TrainOptions& t = run.train;
  nn::ClientFront front(t.seed, t.client_lr);
  split::TrainingObserver quiet;
  const std::filesystem::path dir = scratch / mode;
  std::filesystem::create_directories(dir);
  if (mode == "local") {
    split::LocalHead head(
        nn::ServerHead(nn::kSplitFeatures, static_cast<std::int64_t>(data.classes), t.seed,
                       t.server_lr),
        std::nullopt);
    return figures(mode, split::train(front, head, data.dataset, data.classes, t, quiet), 0);
  }
  const net::NetOptions net_options;
  split::ServerOptions server_options;
  server_options.torch_threads = run.threads;
  server_options.he_threads = run.he_threads;
  net::SessionServer server(
      "127.0.0.1:0",
      [&server_options](split::Transport& transport) {
        split::serve_session(transport, server_options);
      },
      net_options);
  net::NetOptions client_net = net_options;
  client_net.busy_wait = client_busy_wait(run);
  ModeFigures f;
  {
    net::ClientConnection connection("127.0.0.1:" + std::to_string(server.port()), client_net);
    const RemoteHead remote = make_remote_head(connection, run, data.classes, dir);
    const split::TrainingResult result =
        split::train(front, *remote.head, data.dataset, data.classes, t, quiet);
    std::uint64_t ks = 0;
    if (remote.he != nullptr) {
      for (const auto& [epoch, count] : remote.he->key_switches()) {
        ks += count.rotations + count.relinearizations;
      }
    }
    connection.close();
    f = figures(mode, result, ks);
  }
  const net::SessionOutcome outcome = server.wait_for_session();
  if (outcome.error) std::rethrow_exception(outcome.error);
  return f;
}

void run_compare(const CompareCommand& cmd) {
  apply_threads(cmd.run);
  keep_freed_memory();
  net::quiet_grpc_logging();
  const LoadedDataset data = trimmed(load_dataset(cmd.data));
  const std::size_t b = cmd.run.train.batch_size;
  const std::size_t train_samples = data.dataset.train.size();
  const double epoch_batches =
      std::ceil(static_cast<double>(train_samples) / static_cast<double>(b));
  const std::filesystem::path scratch =
      std::filesystem::temp_directory_path() / fmt::format("hesplit-compare-{}", ::getpid());
  std::vector<ModeFigures> rows;
  for (const auto& [mode, layer] :
       std::vector<std::pair<std::string, std::string>>{{"local", "encrypted"},
                                                        {"plain", "encrypted"},
                                                        {"paper", "encrypted"},
                                                        {"sealed", "encrypted"},
                                                        {"sealed-frozen", "frozen"}}) {
    std::cerr << "hesplit compare: " << mode << ", " << cmd.batches << " batches of " << b
              << std::endl;
    rows.push_back(measure(cmd, data, mode, layer, scratch));
  }
  std::filesystem::remove_all(scratch);

  std::cout << fmt::format(
      "batch {}, {} training samples ({} batches per epoch), {} batches "
      "measured per mode\n",
      b, train_samples, epoch_batches, cmd.batches);
  std::cout << fmt::format("{:<14} {:>10} {:>12} {:>12} {:>8} {:>10} {:>12}\n", "mode", "s/batch",
                           "up B/batch", "down B/batch", "KS/batch", "s/epoch", "MB/epoch");
  nlohmann::ordered_json modes = nlohmann::ordered_json::array();
  for (const ModeFigures& f : rows) {
    const double epoch_seconds = f.seconds_per_batch * epoch_batches;
    const double epoch_bytes = (f.up_per_batch + f.down_per_batch) * epoch_batches;
    std::cout << fmt::format("{:<14} {:>10.4f} {:>12.0f} {:>12.0f} {:>8.1f} {:>10.1f} {:>12.1f}\n",
                             f.mode, f.seconds_per_batch, f.up_per_batch, f.down_per_batch,
                             f.key_switches_per_batch, epoch_seconds, epoch_bytes / 1e6);
    modes.push_back({{"mode", f.mode},
                     {"seconds_per_batch", f.seconds_per_batch},
                     {"bytes_client_to_server_per_batch", f.up_per_batch},
                     {"bytes_server_to_client_per_batch", f.down_per_batch},
                     {"key_switches_per_batch", f.key_switches_per_batch},
                     {"epoch_seconds", epoch_seconds},
                     {"epoch_bytes", epoch_bytes}});
  }
  if (cmd.out) {
    nlohmann::ordered_json doc{
        {"batch_size", b}, {"train_samples", train_samples}, {"modes", modes}};
    std::ofstream file(*cmd.out);
    file << doc.dump(2) << "\n";
    if (!file) throw std::runtime_error("cannot write " + cmd.out->string());
    std::cout << "written: " << cmd.out->string() << "\n";
  }
}

}  // namespace

void add_compare_command(CLI::App& app) {
  auto cmd = std::make_shared<CompareCommand>();
  CLI::App* compare = app.add_subcommand(
      "compare",
      "run local, plain, paper and sealed (encrypted and frozen server layer) for K batches "
      "each and print seconds, bytes and key switches per batch, extrapolated to one epoch");
  add_data_options(*compare, cmd->data);
  compare->add_option("--batches", cmd->batches, "training batches per mode")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  compare->add_option("--batch", cmd->run.train.batch_size, "samples per batch")
      ->capture_default_str()
      ->check(CLI::Range(1, 65536));
  compare->add_option("--seed", cmd->run.train.seed, "seed")->capture_default_str();
  compare->add_option("--ckks", cmd->run.he.preset, "CKKS preset of the HE modes")
      ->capture_default_str()
      ->check(CLI::IsMember({"sealed-8192", "sealed-16384"}));
  add_he_threads_option(*compare, cmd->run.he_threads);
  compare->add_option("--out", cmd->out, "also write the table as JSON to FILE");
  compare->callback([cmd] { run_compare(*cmd); });
}

}  // namespace hesplit::cli
