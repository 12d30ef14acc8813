// Fuzz target: WFDB header text (.hea) as parse_header reads it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ecg/wfdb_error.hpp"
#include "ecg/wfdb_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const hesplit::ecg::RecordHeader header = hesplit::ecg::parse_header(text, "fuzz.hea");
    // Touch what a caller uses next, so a header that parses but is inconsistent shows up.
    for (const auto& signal : header.signals) (void)signal.to_physical(0);
    (void)header.find_signal("MLII");
  } catch (const hesplit::ecg::WfdbError&) {
  }
  return 0;
}
