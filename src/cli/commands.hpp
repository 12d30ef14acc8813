#pragma once
// Each subcommand lives in its own cmd_*.cpp and registers itself on the top-level app here.
#include <CLI/CLI.hpp>

namespace hesplit::cli {


}  // namespace hesplit::cli
