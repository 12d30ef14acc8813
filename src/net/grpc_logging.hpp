#pragma once
// gRPC prints its own diagnostics to stderr (e.g. a multi-line error record when a port is busy)
// before our clear error. The training commands route them away unless HESPLIT_GRPC_LOG is set.
namespace hesplit::net {

// Process-wide (gRPC has one log sink); call once at command start.
void quiet_grpc_logging();

}  // namespace hesplit::net
