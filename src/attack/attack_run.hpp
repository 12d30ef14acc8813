#pragma once
// `hesplit attack`: runs every attack that has an input in a recorded server view and writes the
// privacy report (report.json, report.html) of docs/privacy.md.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "attack/inversion.hpp"

namespace hesplit::attack {

struct AttackOptions {
  std::filesystem::path run_dir;  // a training run (summary.json, client_front.pt) or a view folder
  std::filesystem::path out_dir;
  std::optional<std::filesystem::path> view;  // one .hsview file; default: the one in run_dir
  // The client's dataset: ground truth for scoring only. Default: summary.json's "dataset".
  std::optional<std::filesystem::path> data;
  // The server's own auxiliary beats (inversion). Default: the test side of the client's dataset
  // (the other patients with the `patients` split).
  std::optional<std::filesystem::path> aux;
  // The client's front network the inversion adversary is granted. Default:
  // run_dir/client_front.pt.
  std::optional<std::filesystem::path> client_front;
  std::uint32_t epoch = 0;  // epoch whose activation maps are attacked (0: the last)
  std::size_t similarity_samples = 2000;
  std::size_t refresh_batches = 400;  // paper: training batches attacked by refresh recovery
  double client_lr = 1e-3;            // for the ground-truth replay of the client (paper)
  InversionOptions inversion;
};

// Returns report.json's contents (also written to out_dir with report.html).
nlohmann::json run_attacks(const AttackOptions& options);

}  // namespace hesplit::attack
