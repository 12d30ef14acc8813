// `hesplit evaluate --run RUN_DIR`: reloads both halves' checkpoints and measures the test set.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/training_session.hpp"
#include "nn/server_head.hpp"
#include "report/run_summary.hpp"
#include "report/terminal_text.hpp"
#include "split/local_head.hpp"
#include "split/protocols/sealed/sealed_local_head.hpp"
#include "split/protocols/sealed/sealed_release.hpp"
#include "split/protocols/sealed/sealed_server.hpp"
#include "split/session/server_options.hpp"
#include "split/trainer.hpp"

namespace hesplit::cli {

namespace {

struct EvaluateCommand {
  std::filesystem::path run;
  std::optional<std::filesystem::path> data;
  std::optional<std::filesystem::path> server_checkpoint;
  std::optional<std::filesystem::path> sealed_layer;  // server_layer.hsck of a sealed run
};

// The server half: a sealed run's encrypted layer (evaluated through the encrypted forward pass
// with the client's key, once checked against the client's own Delta: a layer file the server
// crafted is refused before anything of it is decrypted for use) unless a plaintext checkpoint is
// asked for or was released.
std::unique_ptr<split::HeadSession> server_half(const EvaluateCommand& cmd,
                                                const report::RunSummary& summary,
                                                std::size_t classes) {
  const std::filesystem::path plain =
      cmd.server_checkpoint.value_or(cmd.run / split::kServerCheckpoint);
  const std::filesystem::path sealed = cmd.sealed_layer.value_or(cmd.run / split::kSealedLayerFile);
  const std::filesystem::path key = cmd.run / kClientKeyFile;
  if (!cmd.server_checkpoint && std::filesystem::exists(key) &&
      (cmd.sealed_layer || !std::filesystem::exists(plain))) {
    auto crypto = std::make_shared<const split::HeClientCrypto>(
        split::HeClientCrypto::load(key, nn::kSplitFeatures, classes));
    const split::SealedLayerState state = split::load_sealed_layer(sealed, crypto->context());
    const split::OwnDelta own =
        split::load_own_delta(cmd.run, classes, static_cast<std::size_t>(nn::kSplitFeatures));
    const bool frozen = summary.server_layer.value_or("encrypted") == "frozen";
    if (frozen) {
      throw std::runtime_error(
          "evaluate: a frozen server layer holds only W0; `hesplit release --run " +
          cmd.run.string() + "` writes W0 + the client's Delta, evaluate that");
    }
    const nn::ServerHead initial(nn::kSplitFeatures, static_cast<std::int64_t>(classes),
                                 summary.seed, summary.server_lr.value_or(0.01));
    split::verify_server_layer(*crypto, state, initial, own, sealed.string());
    std::cout << "evaluating through the encrypted forward pass (" << sealed.string()
              << ", checked against this client's Delta)\n";
    return std::make_unique<split::SealedLocalHead>(crypto, state);
  }
  nn::ServerHead server_head = nn::ServerHead::load(plain, 0.0);
  if (server_head.classes() != static_cast<std::int64_t>(classes)) {
    throw std::runtime_error(fmt::format("the dataset has {} classes, the checkpoint {}", classes,
                                         server_head.classes()));
  }
  return std::make_unique<split::LocalHead>(std::move(server_head), std::nullopt);
}

void run_evaluate(const EvaluateCommand& cmd) {
  const report::RunSummary summary = report::read_summary_json(cmd.run);
  DataOptions data_options;
  data_options.data = cmd.data ? *cmd.data : std::filesystem::path(summary.dataset);
  const LoadedDataset data = load_dataset(data_options);
  const nn::ClientFront front = nn::ClientFront::load(cmd.run / split::kClientCheckpoint, 0.0);
  const std::unique_ptr<split::HeadSession> head = server_half(cmd, summary, data.classes);
  const split::ConfusionMatrix confusion =
      split::evaluate(front, *head, data.dataset.test, data.classes, 1024);

  std::cout << fmt::format("run {} ({} mode), {} test beats of {}\n", cmd.run.string(),
                           report::terminal_safe(summary.mode), confusion.total(),
                           report::terminal_safe(data.source));
  std::cout << fmt::format("test accuracy {:.2f}% (summary.json: {:.2f}%)\n",
                           100.0 * confusion.accuracy(), 100.0 * summary.test_accuracy);
  std::cout << "confusion matrix (rows: true class, columns: predicted)\n      ";
  const auto& names = data.dataset.class_names;
  const auto name = [&names](std::size_t i) {
    return i < names.size() ? report::terminal_safe(names[i]) : std::to_string(i);
  };
  for (std::size_t c = 0; c < data.classes; ++c) std::cout << fmt::format("{:>8}", name(c));
  std::cout << '\n';
  for (std::size_t r = 0; r < data.classes; ++r) {
    std::cout << fmt::format("{:>6}", name(r));
    for (const std::int64_t count : confusion.counts()[r]) std::cout << fmt::format("{:>8}", count);
    std::cout << '\n';
  }
}

}  // namespace

void add_evaluate_command(CLI::App& app) {
  auto cmd = std::make_shared<EvaluateCommand>();
  CLI::App* evaluate =
      app.add_subcommand("evaluate", "reload a run's checkpoints and measure test accuracy");
  evaluate->add_option("--run", cmd->run, "run directory (summary.json, *.pt)")->required();
  evaluate->add_option("--data", cmd->data, "dataset (default: the one summary.json names)");
  evaluate->add_option("--server-checkpoint", cmd->server_checkpoint,
                       "the server layer (default RUN_DIR/server_head.pt; `hesplit server` writes "
                       "it to its --out folder)");
  evaluate->add_option("--sealed-layer", cmd->sealed_layer,
                       "sealed runs: the server's encrypted layer (default "
                       "RUN_DIR/server_layer.hsck), evaluated through the encrypted forward pass "
                       "with RUN_DIR/client_secret.key");
  evaluate->callback([cmd] { run_evaluate(*cmd); });
}

}  // namespace hesplit::cli
