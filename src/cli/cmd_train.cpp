// `hesplit train`: one command for a whole training run. local: both halves in this process;
// plain, paper, sealed: a gRPC server on a loopback port and the client in this process, over a
// real stream.
#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "cli/network_options.hpp"
#include "cli/training_session.hpp"
#include "net/client_connection.hpp"
#include "net/grpc_logging.hpp"
#include "net/session_server.hpp"
#include "nn/server_head.hpp"
#include "split/local_head.hpp"
#include "split/protocols/plain/plain_client.hpp"
#include "split/serve_session.hpp"
#include "split/trainer.hpp"

namespace hesplit::cli {

namespace {

struct TrainCommand {
  DataOptions data;
  RunOptions run;
  std::string loopback = "127.0.0.1:0";
  std::optional<std::filesystem::path> record_view;  // --record-server-view DIR
};

split::TrainingResult train_local(const TrainCommand& cmd, const LoadedDataset& data,
                                  nn::ClientFront& front, const std::filesystem::path& run_dir,
                                  split::TrainingObserver& observer) {
  const split::TrainOptions& t = cmd.run.train;
  split::LocalHead head(nn::ServerHead(nn::kSplitFeatures, static_cast<std::int64_t>(data.classes),
                                       t.seed, t.server_lr),
                        run_dir / split::kServerCheckpoint);
  return split::train(front, head, data.dataset, data.classes, t, observer);
}

split::TrainingResult train_remote(const TrainCommand& cmd, const LoadedDataset& data,
                                   nn::ClientFront& front, const std::filesystem::path& run_dir,
                                   split::TrainingObserver& observer) {
  const split::TrainOptions& t = cmd.run.train;
  // Both roles' limits come from this run's protocol, preset, batch and evaluation chunk.
  const split::MessageBounds bounds = client_message_bounds(cmd.run, data.classes);
  net::NetOptions server_net;
  net::NetOptions client_net;
  apply_message_bounds(server_net, bounds, net::Role::kServer);
  apply_message_bounds(client_net, bounds, net::Role::kClient);
  client_net.busy_wait = client_busy_wait(cmd.run);
  split::ServerOptions server_options;
  server_options.max_rows = static_cast<std::int64_t>(std::max(t.batch_size, t.eval_chunk));
  server_options.checkpoint_dir = run_dir;
  server_options.torch_threads = cmd.run.threads;
  server_options.he_threads = cmd.run.he_threads;
  server_options.record_dir = cmd.record_view;
  net::SessionServer server(
      cmd.loopback,
      [&server_options](split::Transport& transport) {
        split::serve_session(transport, server_options);
      },
      server_net);
  const std::string address = "127.0.0.1:" + std::to_string(server.port());
  split::TrainingResult result;
  {
    net::ClientConnection connection(address, client_net);
    const RemoteHead remote = make_remote_head(connection, cmd.run, data.classes, run_dir);
    result = split::train(front, *remote.head, data.dataset, data.classes, t, observer);
    connection.close();
    write_client_outputs(run_dir, cmd.run, data, result, front, remote.he);
  }
  const net::SessionOutcome outcome = server.wait_for_session();
  if (outcome.error) std::rethrow_exception(outcome.error);
  return result;
}

void run_train(const TrainCommand& cmd) {
  if (cmd.run.mode != "local" && cmd.run.mode != "plain" && cmd.run.mode != "paper" &&
      cmd.run.mode != "sealed") {
    throw CLI::ValidationError("--mode", "unknown mode " + cmd.run.mode);
  }
  if (cmd.record_view && cmd.run.mode == "local") {
    throw CLI::ValidationError("--record-server-view", "--mode local has no server to record");
  }
  apply_threads(cmd.run);
  keep_freed_memory();
  net::quiet_grpc_logging();
  const LoadedDataset data = load_dataset(cmd.data);
  const std::filesystem::path run_dir = run_directory(cmd.run);
  std::filesystem::create_directories(run_dir);
  nn::ClientFront front(cmd.run.train.seed, cmd.run.train.client_lr);
  const auto observer = make_progress_observer(cmd.run.exit_after_batches);
  const bool local = cmd.run.mode == "local";
  const split::TrainingResult result = local ? train_local(cmd, data, front, run_dir, *observer)
                                             : train_remote(cmd, data, front, run_dir, *observer);
  if (local) write_client_outputs(run_dir, cmd.run, data, result, front);
  print_result(result, run_dir);
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto cmd = std::make_shared<TrainCommand>();
  CLI::App* train = app.add_subcommand(
      "train",
      "train the ECG model: local (one process), or split learning over gRPC: plain, paper "
      "(the published HE flow) or sealed (the server sees only ciphertexts; default)");
  train->add_option("--mode", cmd->run.mode, "local | plain | paper | sealed")
      ->capture_default_str()
      ->check(CLI::IsMember({"local", "plain", "paper", "sealed"}));
  add_data_options(*train, cmd->data);
  add_run_options(*train, cmd->run);
  add_he_options(*train, cmd->run);
  add_he_threads_option(*train, cmd->run.he_threads);
  train
      ->add_option("--loopback", cmd->loopback,
                   "address of the in-process server (port 0: any free port)")
      ->capture_default_str();
  train->add_option("--record-server-view", cmd->record_view,
                    "save everything the server received, sent and computed, one file per "
                    "session in DIR (input of `hesplit attack`; not for --mode local)");
  train->callback([cmd] { run_train(*cmd); });
}

}  // namespace hesplit::cli
