#pragma once
// Internal to hesplit_net: gRPC credentials from NetOptions (TLS when configured, plaintext
// otherwise) and the channel arguments TLS needs.
#include <grpcpp/grpcpp.h>

#include <memory>

#include "net/options.hpp"

namespace hesplit::net::detail {

// Throws split::TransportError naming the file when a PEM file is missing, unreadable, too large
// or not PEM.
std::shared_ptr<grpc::ServerCredentials> server_credentials(const NetOptions& options);
std::shared_ptr<grpc::ChannelCredentials> channel_credentials(const NetOptions& options);
// Adds the TLS server-name override, if any.
void add_tls_channel_arguments(const NetOptions& options, grpc::ChannelArguments& args);

}  // namespace hesplit::net::detail
