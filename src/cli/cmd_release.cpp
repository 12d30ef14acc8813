// `hesplit release --run RUN_DIR`: the explicit, opt-in end of a sealed run. The client decrypts
// the server's encrypted layer (W0 + Enc(Delta)) with its own key and writes W_T = W0 + Delta as
// an ordinary plaintext checkpoint (server_head.pt) to hand to the server. Nothing else ever
// decrypts the server layer.
#include <iostream>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "cli/training_session.hpp"
#include "nn/server_head.hpp"
#include "packing/layout.hpp"
#include "split/he_client_crypto.hpp"
#include "split/he_server.hpp"
#include "split/sealed_layer_file.hpp"
#include "split/session_server.hpp"

namespace hesplit::cli {

namespace {

struct ReleaseCommand {
  std::filesystem::path run;
  std::optional<std::filesystem::path> layer;  // the server's server_layer.hsck
  std::optional<std::filesystem::path> out;    // where server_head.pt goes
};

void run_release(const ReleaseCommand& cmd) {
  const std::filesystem::path key = cmd.run / kClientKeyFile;
  const std::filesystem::path layer_file = cmd.layer.value_or(cmd.run / split::kSealedLayerFile);
  if (!std::filesystem::exists(key)) {
    throw std::runtime_error("release: " + key.string() + " not found (not a sealed client run?)");
  }
  // Sizes come from the layer file; the key file fixes the parameters.
  const split::HeClientCrypto probe = split::HeClientCrypto::load(key, 256, 5);
  const split::SealedLayerState state = split::load_sealed_layer(layer_file, probe.context());
  const split::HeClientCrypto crypto =
      split::HeClientCrypto::load(key, state.features, state.classes);
  const packing::SplitLayout& layout = crypto.layout();
  if (state.delta.size() != packing::SplitLayout::kShifts + 1) {
    throw std::runtime_error("release: " + layer_file.string() + " holds " +
                             std::to_string(state.delta.size()) + " ciphertexts, expected " +
                             std::to_string(packing::SplitLayout::kShifts + 1));
  }
  std::vector<packing::SlotVector> diagonals;
  for (std::size_t t = 0; t < packing::SplitLayout::kShifts; ++t) {
    diagonals.push_back(crypto.decrypt(state.delta[t]));
  }
  const std::vector<double> delta = crypto.codec().unpack_layer(diagonals);
  // The bias lives in window layout: delta_i / window_length at every position of window i.
  const packing::SlotVector bias_slots = crypto.decrypt(state.delta.back());
  nn::FloatTensor w{{state.classes, state.features}, {}};
  nn::FloatTensor b{{state.classes}, {}};
  for (std::size_t i = 0; i < delta.size(); ++i) {
    w.data.push_back(static_cast<float>(state.w0[i] + delta[i]));
  }
  for (std::size_t i = 0; i < state.classes; ++i) {
    double sum = 0.0;
    for (std::size_t u = 0; u < layout.window_length(); ++u) {
      sum += bias_slots[layout.window_start(i) + packing::SplitLayout::kRasStride * u].real();
    }
    b.data.push_back(static_cast<float>(state.b0[i] + sum));
  }
  const std::filesystem::path out = cmd.out.value_or(cmd.run / split::kServerCheckpoint);
  nn::ServerHead::from_parameters(w, b, 0.01).save(out);
  std::cout << "released the server layer W_T = W0 + Delta to " << out.string() << "\n";
}

}  // namespace

void add_release_command(CLI::App& app) {
  auto cmd = std::make_shared<ReleaseCommand>();
  CLI::App* release = app.add_subcommand(
      "release",
      "sealed runs: decrypt the server's encrypted layer with the client's key and write W_T for "
      "the server (explicit opt-in; training never does this)");
  release->add_option("--run", cmd->run, "the client's run directory (holds client_secret.key)")
      ->required();
  release->add_option("--layer", cmd->layer,
                      "the server's server_layer.hsck (default: RUN_DIR/server_layer.hsck)");
  release->add_option("--out", cmd->out, "output checkpoint (default: RUN_DIR/server_head.pt)");
  release->callback([cmd] { run_release(*cmd); });
}

}  // namespace hesplit::cli
