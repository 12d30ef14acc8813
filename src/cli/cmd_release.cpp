// `hesplit release --run RUN_DIR`: the explicit, opt-in end of a sealed run. The client writes
// W_T = W0 + Delta as an ordinary plaintext checkpoint (server_head.pt) to hand to the server,
// with W0, b0 rebuilt from the run's seed and Delta the client's own copy (it applied every SGD
// step of the server layer in the clear too). Nothing it writes is a decryption: the server's
// encrypted layer file, when present, is only checked against that copy (split/sealed_release).
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "cli/training_session.hpp"
#include "nn/server_head.hpp"
#include "report/run_summary.hpp"
#include "split/protocols/he/he_client_crypto.hpp"
#include "split/protocols/sealed/sealed_release.hpp"
#include "split/protocols/sealed/sealed_server.hpp"
#include "split/session/server_options.hpp"

namespace hesplit::cli {

namespace {

struct ReleaseCommand {
  std::filesystem::path run;
  std::optional<std::filesystem::path> layer;  // the server's server_layer.hsck
  std::optional<std::filesystem::path> out;    // where server_head.pt goes
  bool no_check = false;
};

// The shape and settings of the run, from the client's own files (never from the server's).
struct SealedRun {
  report::RunSummary summary;
  std::size_t classes = 0;
  bool frozen = false;
};

SealedRun read_sealed_run(const std::filesystem::path& run) {
  SealedRun out{report::read_summary_json(run), 0, false};
  if (out.summary.mode != "sealed") {
    throw std::runtime_error("release: " + run.string() + " is a " + out.summary.mode +
                             " run; only sealed runs have an encrypted server layer to release");
  }
  out.classes = out.summary.confusion_matrix.size();
  if (out.classes < 2 || !out.summary.server_lr) {
    throw std::runtime_error("release: " + run.string() +
                             "/summary.json lacks the class count or the server learning rate");
  }
  out.frozen = out.summary.server_layer.value_or("encrypted") == "frozen";
  return out;
}

void run_release(const ReleaseCommand& cmd) {
  const std::filesystem::path key = cmd.run / kClientKeyFile;
  if (!std::filesystem::exists(key)) {
    throw std::runtime_error("release: " + key.string() + " not found (not a sealed client run?)");
  }
  const SealedRun run = read_sealed_run(cmd.run);
  const auto features = static_cast<std::size_t>(nn::kSplitFeatures);
  const split::OwnDelta own = split::load_own_delta(cmd.run, run.classes, features);
  const nn::ServerHead initial(nn::kSplitFeatures, static_cast<std::int64_t>(run.classes),
                               run.summary.seed, *run.summary.server_lr);
  const std::filesystem::path layer = cmd.layer.value_or(cmd.run / split::kSealedLayerFile);
  if (cmd.no_check) {
    std::cout << "the server's layer file was not checked (--no-check)\n";
  } else if (!cmd.layer && !std::filesystem::exists(layer)) {
    std::cout << "no " << layer.string()
              << ": the server's layer was not checked (--layer FILE checks the server's copy)\n";
  } else {
    const split::HeClientCrypto crypto = split::HeClientCrypto::load(key, features, run.classes);
    const split::SealedLayerState state = split::load_sealed_layer(layer, crypto.context());
    // The frozen server layer never updates Enc(Delta): it must still be zero.
    const split::OwnDelta expected = run.frozen
                                         ? split::OwnDelta{std::vector<double>(own.weight.size()),
                                                           std::vector<double>(own.bias.size())}
                                         : own;
    const double worst =
        split::verify_server_layer(crypto, state, initial, expected, layer.string());
    std::cout << fmt::format(
        "checked {}: W0, b0, levels and scales are this run's; its Delta matches this client's "
        "own within {:.2e}\n",
        layer.string(), worst);
  }
  const std::filesystem::path out = cmd.out.value_or(cmd.run / split::kServerCheckpoint);
  split::released_head(initial, own).save(out);
  std::cout << "released the server layer W_T = W0 + Delta (this client's own Delta) to "
            << out.string() << "\n";
}

}  // namespace

void add_release_command(CLI::App& app) {
  auto cmd = std::make_shared<ReleaseCommand>();
  CLI::App* release = app.add_subcommand(
      "release",
      "sealed runs: write the trained server layer W_T = W0 + Delta for the server, from the "
      "client's own copy of Delta (explicit opt-in; training never does this; nothing written is "
      "a decryption of what the server sent)");
  release->add_option("--run", cmd->run, "the client's run directory (holds client_secret.key)")
      ->required();
  release->add_option("--layer", cmd->layer,
                      "the server's server_layer.hsck, checked (in this process) against the "
                      "client's Delta before anything is written (default: RUN_DIR/"
                      "server_layer.hsck when present)");
  release->add_flag("--no-check", cmd->no_check,
                    "do not decrypt the server's layer file to check it (the server then learns "
                    "nothing, not even whether its file passed)");
  release->add_option("--out", cmd->out, "output checkpoint (default: RUN_DIR/server_head.pt)");
  release->callback([cmd] { run_release(*cmd); });
}

}  // namespace hesplit::cli
