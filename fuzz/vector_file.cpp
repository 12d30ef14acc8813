// Fuzz target: the vector file of paper-mode checkpoints (src/split/vector_file.hpp: "HSVD", u32
// version, u64 count, count doubles). The loader's `expected` count comes from the caller, so the
// input's first four bytes choose it (little-endian, any u32) and the rest is the file's bytes.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>

#include "scratch_dir.hpp"
#include "split/vector_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const hesplit::fuzz::ScratchDir scratch("vector-file");
  if (size < 4) return -1;  // not an input of this target's format: kept out of the corpus
  std::uint32_t expected = 0;
  std::memcpy(&expected, data, sizeof expected);
  const auto file = scratch.write("values.hsvd", std::span<const std::uint8_t>(data + 4, size - 4));
  // The documented error is std::runtime_error naming the file and the byte offset.
  try {
    (void)hesplit::split::load_vector_file(file, expected);
  } catch (const std::runtime_error&) {
  }
  return 0;
}
