#include "split/protocols/registry.hpp"

#include <array>

#include "split/protocols/he/he_protocol.hpp"
#include "split/protocols/paper/paper_server.hpp"
#include "split/protocols/plain/plain_client.hpp"
#include "split/protocols/plain/plain_server.hpp"
#include "split/protocols/sealed/sealed_server.hpp"

namespace hesplit::split {

namespace {

constexpr std::array kProtocols{
    ProtocolEntry{kPlainProtocol, &serve_plain},
    ProtocolEntry{kPaperProtocol, &serve_paper},
    ProtocolEntry{kSealedProtocol, &serve_sealed},
};

}  // namespace

std::span<const ProtocolEntry> protocols() { return kProtocols; }

const ProtocolEntry* find_protocol(std::string_view name) {
  for (const ProtocolEntry& entry : kProtocols) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

}  // namespace hesplit::split
