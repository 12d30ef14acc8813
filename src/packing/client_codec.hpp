#pragma once
// Client side of the split-layer packing: slot vectors for A and eta*G, and the reading of the
// decrypted Z and eta*dL/dA (docs/packing.md). Pure slot arithmetic: the caller encodes, encrypts
// and decrypts with the ckks library. Matrices are row-major, one row per sample.

#include <complex>
#include <cstddef>
#include <span>
#include <vector>

#include "packing/layout.hpp"

namespace hesplit::packing {

using SlotVector = std::vector<std::complex<double>>;

class SplitClientCodec {
 public:
  explicit SplitClientCodec(SplitLayout layout) : layout_(layout) {}

  const SplitLayout& layout() const noexcept { return layout_; }

  // samples x d activations (samples <= samples_per_ciphertext()); missing samples are zero.
  SlotVector pack_activations(std::span<const double> a, std::size_t samples) const;
  // samples x c logit gradients, multiplied by eta, conjugate-packed at the window positions.
  SlotVector pack_gradients(std::span<const double> g, std::size_t samples, double eta) const;

  // Decrypted, decoded Z slots -> samples x c logits.
  std::vector<double> unpack_logits(std::span<const std::complex<double>> slots,
                                    std::size_t samples) const;
  // Decrypted, decoded eta*dL/dA slots -> samples x d gradients (divided by eta).
  std::vector<double> unpack_input_gradients(std::span<const std::complex<double>> slots,
                                             std::size_t samples, double eta) const;
  // Diagonal t of a c x d layer (W0, Delta, a masked W) as the server keeps it: in every block,
  // position p holds w[row(p)][feature(p, t)], zero where p is in no window or reads padding.
  SlotVector pack_diagonal(std::span<const double> w, std::size_t t) const;
  // The decrypted diagonals of the server layer (shifts() slot vectors, block 0 is read) -> c x d.
  std::vector<double> unpack_layer(std::span<const SlotVector> diagonals) const;
  // The decrypted bias accumulator (window layout, docs/packing.md) -> c values.
  std::vector<double> unpack_bias(std::span<const std::complex<double>> slots) const;

 private:
  void check_samples(std::size_t samples, std::size_t values, std::size_t width,
                     const char* what) const;

  SplitLayout layout_;
};

}  // namespace hesplit::packing
