#pragma once
// Internal to hesplit_net: split::Message <-> wire Envelope, with every size read from the wire
// bounded and the checksum verified.
#include <cstddef>

#include "hesplit.pb.h"
#include "split/message.hpp"

namespace hesplit::net::detail {

// A size limit in the int gRPC takes: at most INT_MAX (2 GiB - 1), gRPC's own ceiling.
int grpc_message_limit(std::size_t bytes);

wire::Envelope encode(const split::Message& message);
// Throws split::TransportError naming the problem (kind, tensor index, sizes).
split::Message decode(const wire::Envelope& envelope);

}  // namespace hesplit::net::detail
