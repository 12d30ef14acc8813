#pragma once
// CKKS encoding of N/2 complex (or real) slots into a plaintext polynomial and back.
//
// Slot j is the evaluation at zeta^(5^j mod 2N), zeta = exp(i pi / N); the conjugate evaluations
// are implied, so the polynomial has integer (real) coefficients. Encoding computes
// round(scale * tau^-1(z)) with a size-N/2 complex FFT; decoding composes the residues exactly
// (multi-word CRT) before converting to floating point, so it adds no error of its own beyond
// double rounding.

#include <complex>
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "ckks/context.hpp"
#include "ckks/plaintext.hpp"

namespace hesplit::ckks {

class CkksEncoder {
 public:
  explicit CkksEncoder(std::shared_ptr<const CkksContext> context);

  std::size_t slot_count() const noexcept { return slots_; }

  // Fewer than slot_count() values are zero-padded; more are an error. Throws
  // std::invalid_argument for a level above max_level(), a non-positive or non-finite scale, or a
  // value whose scaled magnitude reaches 2^1000 (would not be exact).
  Plaintext encode(std::span<const std::complex<double>> values, double scale,
                   std::size_t level) const;
  Plaintext encode(std::span<const double> values, double scale, std::size_t level) const;
  // At the context's default scale and top level.
  Plaintext encode(std::span<const double> values) const;
  // Same value in every slot.
  Plaintext encode_constant(double value, double scale, std::size_t level) const;

  std::vector<std::complex<double>> decode_complex(const Plaintext& plain) const;
  std::vector<double> decode(const Plaintext& plain) const;  // real parts

  const CkksContext& context() const noexcept { return *context_; }

 private:
  void fft_forward(std::vector<std::complex<double>>& a) const;  // sum_k a_k w^(jk)
  void fft_inverse(std::vector<std::complex<double>>& a) const;  // (1/n) sum_k a_k w^(-jk)

  std::shared_ptr<const CkksContext> context_;
  std::size_t slots_;
  int log_slots_;
  std::vector<std::complex<double>> twist_;  // zeta^k, k < N/2
  // Per FFT stage of length len = 2, 4, .., N/2, the roots exp(2 pi i j / len), j < len / 2,
  // stored one stage after the other (N/2 - 1 entries) so that each stage reads them
  // contiguously; and their conjugates for the inverse transform.
  std::vector<std::complex<double>> stage_roots_;
  std::vector<std::complex<double>> stage_roots_inv_;
  std::vector<std::size_t> slot_to_fft_;  // slot j -> FFT index (5^j mod 2N - 1) / 4
  std::vector<std::uint32_t> fft_bit_reverse_;
};

}  // namespace hesplit::ckks
