// Fuzz target: the beat dataset reader on arbitrary bytes in a temporary file, in this process
// (read_beat_dataset itself runs libhdf5 in a child process, which would hide libhdf5's crashes
// and coverage from libFuzzer). This mostly fuzzes libhdf5's own file parser (Debian's 1.10.8, not
// instrumented), which still crashes on malformed files within seconds (docs/security.md lists
// what was found; tests/ecg/hostile_hdf5 keeps some, which the isolated reader refuses cleanly).
// It is therefore not in scripts/fuzz's default list; run it by name. Our validation of HDF5
// contents is fuzzed by beat_dataset.cpp.
#include <cstddef>
#include <cstdint>
#include <span>

#include "ecg/beat_dataset.hpp"
#include "scratch_dir.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const hesplit::fuzz::ScratchDir scratch("hdf5-raw");
  const auto file = scratch.write("fuzz.h5", std::span<const std::uint8_t>(data, size));
  try {
    (void)hesplit::ecg::detail::read_beat_dataset_in_process(file);
  } catch (const hesplit::ecg::DatasetError&) {
  }
  return 0;
}
