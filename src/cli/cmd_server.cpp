// `hesplit server`: the server role as its own process. Serves one session by default (the
// process exits with the session's outcome), or keeps serving with --sessions 0. Calls refused
// before their session starts (wrong token, refused Hello) are logged and not counted.
#include <iostream>
#include <memory>
#include <optional>

#include <atomic>

#include "cli/commands.hpp"
#include "cli/network_options.hpp"
#include "cli/training_session.hpp"
#include "net/grpc_logging.hpp"
#include "net/log_line.hpp"
#include "net/session_server.hpp"
#include "nn/client_front.hpp"
#include "nn/torch_threads.hpp"
#include "split/serve_session.hpp"

namespace hesplit::cli {

namespace {

struct ServerCommand {
  std::string listen = "127.0.0.1:50051";
  std::filesystem::path out = ".";
  std::size_t sessions = 1;
  int threads = 1;
  std::size_t he_threads = 2;
  std::size_t exit_after_batches = 0;
  NetworkFlags network;
  std::optional<std::filesystem::path> record_view;  // --record-server-view DIR
  std::string adversary;                             // --adversary (privacy evaluation)
  std::int64_t max_rows = split::kDefaultMaxRows;
  std::size_t max_checkpoint_runs = split::kDefaultMaxCheckpointRuns;
};

// One line on stderr per refused call (wrong token, refused Hello): the reason, made printable
// (it can quote what the client sent), never the token.
void report_refusal(const net::SessionOutcome& outcome) {
  std::string reason = "(no reason)";
  try {
    if (outcome.error) std::rethrow_exception(outcome.error);
  } catch (const std::exception& e) {
    reason = e.what();
  }
  std::cerr << "hesplit server: refused a call from " << net::log_line(outcome.peer, 100)
            << " (not counted as a session): " << net::log_line(reason) << std::endl;
}

void run_server(const ServerCommand& cmd) {
  nn::set_torch_threads(cmd.threads);
  keep_freed_memory();
  net::quiet_grpc_logging();
  std::filesystem::create_directories(cmd.out);
  split::ServerOptions options;
  options.checkpoint_dir = cmd.out;
  options.torch_threads = cmd.threads;
  options.he_threads = cmd.he_threads;
  options.record_dir = cmd.record_view;
  options.adversary = cmd.adversary;
  options.max_rows = cmd.max_rows;
  options.max_checkpoint_runs = cmd.max_checkpoint_runs;
  options.live_runs = std::make_shared<split::LiveRuns>();
  std::atomic<std::size_t> batches = 0;
  if (cmd.exit_after_batches > 0) {
    options.on_batch = [&batches, limit = cmd.exit_after_batches](const split::BatchId&) {
      if (++batches >= limit) {
        std::cerr << "hesplit server: exiting abruptly after " << batches.load()
                  << " batches (--exit-after-batches)" << std::endl;
        std::_Exit(75);
      }
    };
  }
  net::NetOptions net_options = network_options(cmd.network, cmd.listen, net::Role::kServer);
  // gRPC refuses anything larger than the largest message of any protocol and preset served at
  // --max-rows; each session then tightens that to its own parameters after Hello.
  apply_message_bounds(net_options,
                       split::server_message_bounds(static_cast<std::size_t>(cmd.max_rows),
                                                    static_cast<std::size_t>(nn::kSplitFeatures),
                                                    split::kServedClassesBound),
                       net::Role::kServer);
  std::atomic<std::size_t> session_number = 0;
  net::SessionServer server(
      cmd.listen,
      [&options, &session_number, concurrent = net_options.max_concurrent_sessions,
       &cmd](split::Transport& transport) {
        // Concurrent sessions must not share a final checkpoint file: each gets its own folder.
        // Batch checkpoints stay in one root, one folder per run id, so that a resumed session
        // finds its run's whichever slot it arrives in (a second live session of a run is refused).
        split::ServerOptions own = options;
        if (concurrent > 1) {
          own.checkpoint_dir = cmd.out / ("session-" + std::to_string(++session_number));
          own.checkpoint_root = cmd.out / "checkpoints";
          std::filesystem::create_directories(*own.checkpoint_dir);
        }
        const split::SessionReport report = split::serve_session(transport, own);
        std::cerr << "hesplit server: " << report.protocol << " session ended after "
                  << report.training_batches << " training batches, "
                  << report.traffic.bytes_received << " B received, " << report.traffic.bytes_sent
                  << " B sent" << std::endl;
      },
      net_options);
  const std::string host = cmd.listen.substr(0, cmd.listen.rfind(':'));
  // Tests and scripts read the chosen port from this line.
  std::cout << "hesplit server: listening on " << host << ':' << server.port() << std::endl;
  std::cerr << "hesplit server: messages up to " << net_options.max_receive_bytes << " B accepted ("
            << net_options.message_limit_basis
            << "), each session tightened to its own parameters at Hello" << std::endl;
  for (std::size_t served = 0; cmd.sessions == 0 || served < cmd.sessions;) {
    const net::SessionOutcome outcome = server.wait_for_session();
    if (outcome.refused) {
      report_refusal(outcome);  // not a session: --sessions counts only those that started
      continue;
    }
    ++served;
    if (outcome.error && cmd.sessions == 1) std::rethrow_exception(outcome.error);
    if (outcome.error) {
      try {
        std::rethrow_exception(outcome.error);
      } catch (const std::exception& e) {
        // The error may quote what the client sent: printable and bounded, like refusals.
        std::cerr << "hesplit server: session with " << net::log_line(outcome.peer, 100)
                  << " failed: " << net::log_line(e.what()) << std::endl;
      }
    }
  }
}

}  // namespace

void add_server_command(CLI::App& app) {
  auto cmd = std::make_shared<ServerCommand>();
  CLI::App* server = app.add_subcommand("server", "run the server role of split learning");
  server->add_option("--listen", cmd->listen, "address to listen on (host:port; port 0: any)")
      ->capture_default_str();
  server
      ->add_option("--out", cmd->out,
                   "where the server layer's checkpoint is written (batch checkpoints: "
                   "--out/checkpoints/RUN_ID; restart with the same --out to resume)")
      ->capture_default_str();
  server
      ->add_option("--sessions", cmd->sessions,
                   "sessions to serve before exiting (0: forever); refused calls (wrong token, "
                   "refused Hello) are logged on stderr and not counted")
      ->capture_default_str();
  server->add_option("--threads", cmd->threads, "LibTorch threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  add_he_threads_option(*server, cmd->he_threads);
  server
      ->add_option("--adversary", cmd->adversary,
                   "privacy evaluation only: decryption-oracle makes a paper server send the "
                   "client's own Enc(A) in place of the refresh (docs/privacy.md)")
      ->check(CLI::IsMember({"decryption-oracle"}));
  server
      ->add_option("--max-rows", cmd->max_rows,
                   "most samples in one message (training batch or evaluation chunk); with the "
                   "protocols' parameters it fixes the largest message accepted")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 16));
  server
      ->add_option("--max-checkpoint-runs", cmd->max_checkpoint_runs,
                   "most runs whose batch checkpoints are kept in --out/checkpoints (each bound to "
                   "the client that began it: key id, or plain's run secret); a new run beyond "
                   "it is refused")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
  server->add_option("--record-server-view", cmd->record_view,
                     "save everything the server received, sent and computed, one file per "
                     "session in DIR (input of `hesplit attack`)");
  add_network_options(*server, cmd->network, net::Role::kServer);
  server
      ->add_option("--exit-after-batches", cmd->exit_after_batches,
                   "testing aid: end the process abruptly after K training batches")
      ->group("Testing");
  server->callback([cmd] { run_server(*cmd); });
}

}  // namespace hesplit::cli
