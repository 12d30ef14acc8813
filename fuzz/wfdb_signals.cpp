// Fuzz target: a WFDB signal file (.dat, formats 212 and 16) read through its header. Input
// layout: a 16-bit little-endian length L, L bytes of header text, then the signal file's bytes.
// The signal bytes are written under every file name the header gives, provided the name is a
// plain file name (a header may point anywhere on disk; the target keeps to its own folder).
#include <cstddef>
#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include "ecg/wfdb_error.hpp"
#include "ecg/wfdb_header.hpp"
#include "ecg/wfdb_signals.hpp"
#include "scratch_dir.hpp"

namespace {

bool plain_file_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || name.front() == '.') return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hesplit::ecg;
  static const hesplit::fuzz::ScratchDir scratch("wfdb-signals");
  if (size < 2) return 0;
  const std::size_t header_length = std::min<std::size_t>(data[0] | (data[1] << 8), size - 2);
  const std::string_view text(reinterpret_cast<const char*>(data + 2), header_length);
  const std::span<const std::uint8_t> signal_bytes(data + 2 + header_length,
                                                   size - 2 - header_length);
  RecordHeader header;
  try {
    header = parse_header(text, "fuzz.hea");
  } catch (const WfdbError&) {
    return 0;
  }
  std::set<std::string> files;
  for (const SignalSpec& spec : header.signals) {
    if (!plain_file_name(spec.file_name)) return 0;
    files.insert(spec.file_name);
  }
  scratch.clear();
  for (const std::string& file : files) scratch.write(file, signal_bytes);
  try {
    const RecordSignals signals = read_signals(header, scratch.path());
    require_checksums(header, signals, scratch.path());
  } catch (const WfdbError&) {
  }
  return 0;
}
