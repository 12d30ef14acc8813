// `hesplit client`: the client role as its own process, connecting to `hesplit server`.
#include <iostream>
#include <memory>

#include "cli/client_checkpoints.hpp"
#include "cli/commands.hpp"
#include "cli/network_options.hpp"
#include "cli/training_session.hpp"
#include "net/client_connection.hpp"
#include "net/grpc_logging.hpp"
#include "split/protocols/plain/plain_client.hpp"
#include "split/trainer.hpp"

namespace hesplit::cli {

namespace {

struct ClientCommand {
  DataOptions data;
  RunOptions run;
  std::string connect = "127.0.0.1:50051";
  NetworkFlags network;
  CheckpointFlags checkpoints;
};

void run_client(const ClientCommand& cmd) {
  if (cmd.run.mode != "plain" && cmd.run.mode != "paper" && cmd.run.mode != "sealed") {
    throw CLI::ValidationError("--mode", "unknown mode " + cmd.run.mode);
  }
  apply_threads(cmd.run);
  keep_freed_memory();
  net::quiet_grpc_logging();
  const LoadedDataset data = load_dataset(cmd.data);
  const std::filesystem::path run_dir = run_directory(cmd.run);
  std::filesystem::create_directories(run_dir);
  nn::ClientFront front(cmd.run.train.seed, cmd.run.train.client_lr);
  const auto observer = make_progress_observer(cmd.run.exit_after_batches);
  const split::TrainOptions& t = cmd.run.train;
  if (cmd.checkpoints.active()) {
    // Before connecting: a resumed run must match the run it continues (settings and key).
    ClientCheckpoints checkpoints(run_dir, cmd.checkpoints, cmd.run, data, front, *observer);
    auto crypto = checkpoints.reload_key(cmd.run, data.classes);
    net::ClientConnection connection(
        cmd.connect, client_network_options(cmd.network, cmd.connect, cmd.run, data.classes));
    const CheckpointedRun run = train_with_checkpoints(connection, cmd.run, data, front,
                                                       checkpoints, run_dir, std::move(crypto));
    connection.close();
    write_client_outputs(run_dir, cmd.run, data, run.result, front, run.remote.he);
    print_result(run.result, run_dir);
    return;
  }
  net::ClientConnection connection(
      cmd.connect, client_network_options(cmd.network, cmd.connect, cmd.run, data.classes));
  const RemoteHead remote = make_remote_head(connection, cmd.run, data.classes, run_dir);
  const split::TrainingResult result =
      split::train(front, *remote.head, data.dataset, data.classes, t, *observer);
  connection.close();
  write_client_outputs(run_dir, cmd.run, data, result, front, remote.he);
  print_result(result, run_dir);
}

}  // namespace

void add_client_command(CLI::App& app) {
  auto cmd = std::make_shared<ClientCommand>();
  CLI::App* client = app.add_subcommand(
      "client", "run the client role of split learning against `hesplit server`");
  client->add_option("--connect", cmd->connect, "server address (host:port)")
      ->capture_default_str();
  client->add_option("--mode", cmd->run.mode, "protocol: plain | paper | sealed")
      ->capture_default_str()
      ->check(CLI::IsMember({"plain", "paper", "sealed"}));
  add_data_options(*client, cmd->data);
  add_run_options(*client, cmd->run);
  add_he_options(*client, cmd->run);
  add_network_options(*client, cmd->network, net::Role::kClient);
  add_checkpoint_options(*client, cmd->checkpoints);
  client->callback([cmd] { run_client(*cmd); });
}

}  // namespace hesplit::cli
