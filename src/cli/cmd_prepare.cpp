// `hesplit prepare`: raw MIT-BIH records -> split heartbeat dataset (HDF5), with a count table.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "cli/dataset_table.hpp"
#include "ecg/prepare.hpp"

namespace hesplit::cli {
namespace {

struct PrepareCommand {
  std::filesystem::path mitdb = "data/mitdb";
  std::string split = "paper";
  std::string classes = "nlrav";
  std::uint64_t seed = 0;
  std::filesystem::path out;  // empty: data/<split>-<classes>-seed<N>.h5
  int threads = 0;
};

constexpr const char* kSplitHelp =
    "split:\n"
    "  paper     the published dataset: per class 6000/6000/6000/2490/6000 beats drawn WITH\n"
    "            replacement, first half train, second half test (13,245 / 13,245). About 28%\n"
    "            of its test beats duplicate training beats and the same patients are on both\n"
    "            sides, so its accuracy is inflated: use it only to compare with published\n"
    "            numbers.\n"
    "  beats     distinct beats, class-balanced (same sizes as paper), drawn without\n"
    "            replacement: no beat on both sides (but the same patients are).\n"
    "  patients  de Chazal's inter-patient split: DS1 records train, DS2 records test; the\n"
    "            honest one (usually with --classes aami).\n"
    "  all       every extracted beat to train, empty test (analysis, attacks).";

// Progress on stderr: one self-overwriting line on a terminal, a few plain lines in a log.
void report_progress(std::size_t done, std::size_t total) {
  if (isatty(STDERR_FILENO) != 0) {
    std::cerr << fmt::format("\rprepare: {}/{} records", done, total) << (done == total ? "\n" : "")
              << std::flush;
  } else if (done == total || done % 10 == 0) {
    std::cerr << fmt::format("prepare: {}/{} records\n", done, total);
  }
}

void run_prepare(const PrepareCommand& cmd) {
  ecg::PrepareOptions options;
  options.mitdb_dir = cmd.mitdb;
  options.split = ecg::parse_split(cmd.split);
  options.classes = ecg::parse_class_scheme(cmd.classes);
  options.seed = cmd.seed;
  options.threads = cmd.threads;
  const std::filesystem::path out =
      cmd.out.empty() ? std::filesystem::path(
                            fmt::format("data/{}-{}-seed{}.h5", cmd.split, cmd.classes, cmd.seed))
                      : cmd.out;
  const auto start = std::chrono::steady_clock::now();
  const ecg::BeatDataset dataset = ecg::prepare_dataset(options, report_progress);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path());
  ecg::write_beat_dataset(out, dataset);
  print_dataset_table(dataset, took.count());
  std::cout << "wrote " << out.string() << '\n';
}

}  // namespace

void add_prepare_command(CLI::App& app) {
  auto cmd = std::make_shared<PrepareCommand>();
  CLI::App* prepare = app.add_subcommand(
      "prepare", "extract MIT-BIH heartbeats as the paper does, split them, write an HDF5 dataset");
  prepare->footer(kSplitHelp);
  prepare
      ->add_option("--mitdb", cmd->mitdb, "folder of the MIT-BIH records (PhysioNet mitdb 1.0.0)")
      ->capture_default_str();
  prepare->add_option("--split", cmd->split, "paper | beats | patients | all (see below)")
      ->check(CLI::IsMember({"paper", "beats", "patients", "all"}))
      ->capture_default_str();
  prepare
      ->add_option("--classes", cmd->classes,
                   "nlrav: N L R A V (the paper); aami: N S V F Q (AAMI EC57 groups)")
      ->check(CLI::IsMember({"nlrav", "aami"}))
      ->capture_default_str();
  prepare->add_option("--seed", cmd->seed, "seed of the split's draws")->capture_default_str();
  prepare->add_option("--out", cmd->out,
                      "output file (default: data/<split>-<classes>-seed<seed>.h5)");
  prepare->add_option("--threads", cmd->threads, "records read in parallel (0: all cores)")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  prepare->callback([cmd] { run_prepare(*cmd); });
}

}  // namespace hesplit::cli
