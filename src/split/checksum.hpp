#pragma once
// A 64-bit checksum over everything a message carries. It detects corruption and mix-ups between
// layers (a tensor applied to the wrong batch); it is not a MAC: TLS protects against tampering.
#include <cstdint>

#include "split/message.hpp"

namespace hesplit::split {

std::uint64_t message_checksum(const Message& message);

}  // namespace hesplit::split
