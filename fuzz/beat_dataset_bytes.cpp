// Fuzz target: decode_beat_dataset, the parent's parser of what the child process that ran
// libhdf5 sends back (src/ecg/beat_dataset_bytes.cpp). That child has just parsed an untrusted
// file with a library that is not memory-safe, so its answer is untrusted too: every count must be
// bounded by the bytes present and the dataset checked before use.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ecg/beat_dataset_bytes.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    const hesplit::ecg::BeatDataset dataset =
        hesplit::ecg::detail::decode_beat_dataset(bytes, "fuzz.h5");
    // What decodes must encode back to the same bytes (nothing read is dropped or invented).
    if (hesplit::ecg::detail::encode_beat_dataset(dataset) != bytes) __builtin_trap();
  } catch (const hesplit::ecg::DatasetError&) {
  }
  return 0;
}
