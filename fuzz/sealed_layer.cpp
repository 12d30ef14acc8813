// Fuzz target: the sealed server layer file (src/split/sealed_layer_file.hpp: plain W0, b0 and
// the encrypted Delta ciphertexts a server keeps between batches), read from a temporary file
// under the small fuzz context.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>

#include "ckks_fixture.hpp"
#include "scratch_dir.hpp"
#include "split/protocols/sealed/sealed_layer_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::shared_ptr<const hesplit::ckks::CkksContext> context =
      hesplit::fuzz::fuzz_context();
  static const hesplit::fuzz::ScratchDir scratch("sealed-layer");
  const auto file = scratch.write("layer.bin", std::span<const std::uint8_t>(data, size));
  // The documented error is std::runtime_error naming the file and the offset.
  try {
    (void)hesplit::split::load_sealed_layer(file, *context);
  } catch (const std::runtime_error&) {
  }
  return 0;
}
