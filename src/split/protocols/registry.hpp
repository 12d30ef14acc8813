#pragma once
// Every protocol the server role serves, in one table (registry.cpp). A protocol is a folder
// under protocols/ with its client role, its server role and its own files; adding one adds its
// folder and one line to the table, and touches no switch elsewhere (docs/architecture.md).
#include <span>
#include <string_view>

#include "split/message.hpp"
#include "split/session/server_options.hpp"
#include "split/transport.hpp"

namespace hesplit::split {

struct ProtocolEntry {
  std::string_view name;  // the Hello's "protocol" field
  // Serves one session from its Hello to Goodbye.
  SessionReport (*serve)(Transport& transport, const Message& hello, const ServerOptions& options);
};

std::span<const ProtocolEntry> protocols();
// The protocol a Hello names, or nullptr.
const ProtocolEntry* find_protocol(std::string_view name);

}  // namespace hesplit::split
