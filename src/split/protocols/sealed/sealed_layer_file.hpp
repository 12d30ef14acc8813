#pragma once
// The sealed server layer on disk: W0 and b0 in the clear (the server's own initial weights) and
// Enc(Delta), Enc(delta) exactly as the server holds them. Format: "HSSL" magic, u32 version (1),
// u32 classes, u32 features, f32 W0 (classes x features), f32 b0, then u32 count and per
// ciphertext u64 length + the ckks serialization (docs/ckks.md). Every size is bounded before use.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "ckks/ciphertext.hpp"
#include "ckks/context.hpp"

namespace hesplit::split {

struct SealedLayerState {
  std::uint32_t classes = 0;
  std::uint32_t features = 0;
  std::vector<float> w0;  // classes x features
  std::vector<float> b0;
  std::vector<ckks::Ciphertext> delta;  // the layout's shifts() diagonals, then the bias
};

void save_sealed_layer(const std::filesystem::path& file, const ckks::CkksContext& context,
                       const SealedLayerState& state);
// Throws std::runtime_error naming the file and the byte offset of a defect.
SealedLayerState load_sealed_layer(const std::filesystem::path& file,
                                   const ckks::CkksContext& context);

}  // namespace hesplit::split
