// Fuzz target: protocol messages as they arrive from a peer: protobuf bytes of a wire Envelope,
// then net::detail::decode (sizes bounded, tensors and blobs checked, checksum verified). The
// protobuf parser is Debian's (not instrumented); decode is ours.
#include <cstddef>
#include <cstdint>

#include "net/codec.hpp"
#include "split/transport.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  hesplit::wire::Envelope envelope;
  if (!envelope.ParseFromArray(data, static_cast<int>(size))) return 0;
  try {
    const hesplit::split::Message message = hesplit::net::detail::decode(envelope);
    (void)hesplit::split::describe(message);
  } catch (const hesplit::split::TransportError&) {
  }
  return 0;
}
