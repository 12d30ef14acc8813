// `hesplit attack`: the server-side attacks of docs/privacy.md on a recorded session.
#include <iostream>
#include <memory>

#include "attack/attack_run.hpp"
#include "cli/commands.hpp"
#include "nn/torch_threads.hpp"
#include "report/terminal_text.hpp"

namespace hesplit::cli {

namespace {

struct AttackCommand {
  attack::AttackOptions options;
  int threads = 1;  // one thread: the ground-truth replay must match the client bit for bit
};

void print_summary(const nlohmann::json& j) {
  const auto show = [](const nlohmann::json& v) {
    return v.is_null() ? std::string("n/a") : v.dump();
  };
  // The protocol and class names come from the view and the dataset files: printed escaped.
  std::cout << "protocol " << report::terminal_safe(j["view"]["protocol"].get<std::string>())
            << '\n';
  const auto& l = j["label_leakage"];
  std::cout << "label leakage: accuracy " << show(l["accuracy"]) << ", auc " << show(l["auc"])
            << '\n';
  if (j["dcor_dtw"].contains("best_channel_dcor_median")) {
    std::cout << "dCor (best channel, median) " << j["dcor_dtw"]["best_channel_dcor_median"].dump()
              << ", baseline " << j["dcor_dtw"]["baseline_best_channel_dcor_median"].dump() << '\n';
  }
  for (const auto& [name, value] : j["inversion"].items()) {
    if (value.is_object() && value.contains("pearson")) {
      std::cout << "inversion " << report::terminal_safe(name) << ": mse " << value["mse"].dump()
                << ", pearson " << value["pearson"].dump() << '\n';
    }
  }
}

}  // namespace

void add_attack_command(CLI::App& app) {
  auto cmd = std::make_shared<AttackCommand>();
  attack::AttackOptions& o = cmd->options;
  CLI::App* sub = app.add_subcommand(
      "attack", "run the server-side privacy attacks on a recorded session (--record-server-view)");
  sub->add_option("--run", o.run_dir,
                  "run folder (summary.json, client_front.pt, server-view/) or view folder")
      ->required();
  sub->add_option("--out", o.out_dir, "where report.json and report.html are written")->required();
  sub->add_option("--view", o.view, "the .hsview file (default: the only one under --run)");
  sub->add_option("--data", o.data,
                  "the client's dataset, ground truth for scoring (default: summary.json's)");
  sub->add_option(
      "--aux", o.aux,
      "the server's own beats for the inverse network (default: the test side of --data)");
  sub->add_option("--client-front", o.client_front,
                  "client front granted to the inversion adversary (default: RUN/client_front.pt)");
  sub->add_option("--epoch", o.epoch, "epoch whose activation maps are attacked (0: last)")
      ->capture_default_str();
  sub->add_option("--similarity-samples", o.similarity_samples, "beats for dCor/DTW")
      ->capture_default_str();
  sub->add_option("--refresh-batches", o.refresh_batches,
                  "paper: batches attacked by refresh recovery")
      ->capture_default_str();
  sub->add_option("--client-lr", o.client_lr,
                  "the client's learning rate (ground-truth replay, paper)")
      ->capture_default_str();
  sub->add_option("--inversion-epochs", o.inversion.epochs,
                  "training epochs of the inverse network")
      ->capture_default_str();
  sub->add_option("--threads", cmd->threads, "LibTorch threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  sub->callback([cmd] {
    nn::set_torch_threads(cmd->threads);
    print_summary(attack::run_attacks(cmd->options));
    std::cout << "report: " << (cmd->options.out_dir / "report.html").string() << '\n';
  });
}

}  // namespace hesplit::cli
