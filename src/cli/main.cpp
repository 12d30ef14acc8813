// hesplit: privacy-preserving split learning of an ECG classifier under CKKS encryption.
// This file only wires the subcommands together and turns exceptions into clear exit codes.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "commands.hpp"
#include "report/terminal_text.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "hesplit: split learning of a 1D CNN on MIT-BIH ECG, with the client's activations\n"
      "computed on by the server only under CKKS homomorphic encryption."};
  app.set_version_flag("--version", std::string("hesplit ") + HESPLIT_VERSION);
  app.require_subcommand(1);
  // Subcommands register here, one line each (see commands.hpp).
  hesplit::cli::add_train_command(app);
  hesplit::cli::add_server_command(app);
  hesplit::cli::add_client_command(app);
  hesplit::cli::add_evaluate_command(app);
  hesplit::cli::add_inspect_command(app);
  hesplit::cli::add_prepare_command(app);
  hesplit::cli::add_attack_command(app);
  hesplit::cli::add_compare_command(app);
  hesplit::cli::add_release_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    // Messages quote values read from files (header fields, names): escaped, never raw bytes.
    std::cerr << "hesplit: error: " << hesplit::report::terminal_safe(e.what()) << '\n';
    return 1;
  }
  return 0;
}
