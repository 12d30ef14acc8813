#include "split/session/server_options.hpp"

namespace hesplit::split {

std::optional<std::filesystem::path> batch_checkpoint_root(const ServerOptions& options) {
  if (options.checkpoint_root) return options.checkpoint_root;
  if (options.checkpoint_dir) return *options.checkpoint_dir / "checkpoints";
  return std::nullopt;
}

}  // namespace hesplit::split
