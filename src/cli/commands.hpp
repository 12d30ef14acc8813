#pragma once
// Each subcommand lives in its own cmd_*.cpp and registers itself on the top-level app here.
#include <CLI/CLI.hpp>

namespace hesplit::cli {

void add_train_command(CLI::App& app);
void add_server_command(CLI::App& app);
void add_client_command(CLI::App& app);
void add_evaluate_command(CLI::App& app);
void add_inspect_command(CLI::App& app);
void add_prepare_command(CLI::App& app);
void add_attack_command(CLI::App& app);
void add_compare_command(CLI::App& app);
void add_release_command(CLI::App& app);

}  // namespace hesplit::cli
