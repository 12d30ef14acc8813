#pragma once
// Text a peer controls (a refused Hello's values, a gRPC error) goes to the operator's terminal:
// it is made one printable line first, so that a client cannot forge log lines or send terminal
// escape sequences, and bounded, so that one refusal is one short line.
#include <cstddef>
#include <string>
#include <string_view>

namespace hesplit::net {

// `text` with every byte outside printable ASCII (newlines, ESC, DEL, non-ASCII) written as \xNN,
// cut after `max_chars` characters of output (then ending in "...").
std::string log_line(std::string_view text, std::size_t max_chars = 400);

}  // namespace hesplit::net
