#include "net/grpc_logging.hpp"

#include <grpc/support/log.h>

#include <cstdlib>

namespace hesplit::net {

namespace {
void discard(gpr_log_func_args* /*args*/) {}
}  // namespace

void quiet_grpc_logging() {
  if (std::getenv("HESPLIT_GRPC_LOG") != nullptr) return;
  gpr_set_log_function(discard);
}

}  // namespace hesplit::net
