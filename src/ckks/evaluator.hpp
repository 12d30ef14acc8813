#pragma once
// Homomorphic operations on ciphertexts. All inputs and outputs are in NTT form. Operands must
// share level and (for additions) scale: mismatches throw std::invalid_argument (scales are
// compared with a relative tolerance of 1e-9); use rescale/mod_switch to align them first.
// Stateless apart from the shared immutable context: safe to share between threads.

#include <complex>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "ckks/ciphertext.hpp"
#include "ckks/context.hpp"
#include "ckks/encoder.hpp"
#include "ckks/keys.hpp"
#include "ckks/parallel.hpp"
#include "ckks/plaintext.hpp"

namespace hesplit::ckks {

class Evaluator {
 public:
  explicit Evaluator(std::shared_ptr<const CkksContext> context);

  const CkksContext& context() const noexcept { return *context_; }

  // Linear operations (no noise growth beyond addition).
  void add_inplace(Ciphertext& a, const Ciphertext& b) const;
  void sub_inplace(Ciphertext& a, const Ciphertext& b) const;
  void negate_inplace(Ciphertext& a) const;
  void add_plain_inplace(Ciphertext& a, const Plaintext& p) const;
  void sub_plain_inplace(Ciphertext& a, const Plaintext& p) const;
  // Adds value to every slot (encoded exactly at the ciphertext's scale).
  void add_scalar_inplace(Ciphertext& a, double value) const;
  Ciphertext add(const Ciphertext& a, const Ciphertext& b) const;
  Ciphertext sub(const Ciphertext& a, const Ciphertext& b) const;
  Ciphertext negate(const Ciphertext& a) const;
  Ciphertext add_plain(const Ciphertext& a, const Plaintext& p) const;

  // Products: the output scale is the product of the input scales.
  void multiply_plain_inplace(Ciphertext& a, const Plaintext& p) const;
  Ciphertext multiply_plain(const Ciphertext& a, const Plaintext& p) const;
  // Every slot times value, encoded as round(value * scale) (scale > 0).
  void multiply_scalar_inplace(Ciphertext& a, double value, double scale) const;
  // Every slot times an integer: exact, scale unchanged.
  void multiply_integer_inplace(Ciphertext& a, std::int64_t value) const;
  // Slot-wise product with a vector of constants (encoded at `scale`, the ciphertext's level).
  void multiply_vector_inplace(Ciphertext& a, std::span<const double> values, double scale) const;
  // Two-component inputs give three components (c0 d0, c0 d1 + c1 d0, c1 d1).
  Ciphertext multiply(const Ciphertext& a, const Ciphertext& b) const;
  // sum_t a[t] * (b[t] + plain[t]) (plain empty: sum_t a[t] * b[t]), three components, in one
  // pass per limb with the sums reduced once (no intermediate products); bit-identical to
  // multiplying and adding. a[t] may sit above `level` (read at `level`, as mod_switch_to would
  // leave it); b[t] and plain[t] are at `level`. At most 32 terms; all products of one scale.
  Ciphertext multiply_sum(std::span<const Ciphertext> a, std::span<const Ciphertext> b,
                          std::span<const Plaintext> plain, std::size_t level) const;
  Ciphertext multiply_sum(std::span<const Ciphertext> a, std::span<const Ciphertext> b,
                          std::span<const Plaintext> plain, std::size_t level,
                          const ParallelFor& parallel) const;
  Ciphertext square(const Ciphertext& a) const;
  void relinearize_inplace(Ciphertext& a, const RelinKeys& keys) const;
  // Overloads taking a ParallelFor split one operation over the caller's threads (key
  // switching: key_switch.hpp; rescale: one task per component). Bit-identical results.
  void relinearize_inplace(Ciphertext& a, const RelinKeys& keys, const ParallelFor& parallel) const;
  Ciphertext relinearize(const Ciphertext& a, const RelinKeys& keys) const;
  Ciphertext multiply_relin(const Ciphertext& a, const Ciphertext& b, const RelinKeys& keys) const;

  // Divides by the last prime with rounding: level - 1, scale / q_level. Needs level >= 1.
  void rescale_inplace(Ciphertext& a) const;
  void rescale_inplace(Ciphertext& a, const ParallelFor& parallel) const;
  Ciphertext rescale(const Ciphertext& a) const;
  // Drops primes without scaling (the message and scale are unchanged).
  void mod_switch_to_inplace(Ciphertext& a, std::size_t level) const;
  void mod_switch_to_inplace(Plaintext& p, std::size_t level) const;

  // Rotations (slot j receives slot j + steps) and conjugation; the Galois key must be present.
  Ciphertext rotate(const Ciphertext& a, int steps, const GaloisKeys& keys) const;
  Ciphertext rotate(const Ciphertext& a, int steps, const GaloisKeys& keys,
                    const ParallelFor& parallel) const;
  Ciphertext conjugate(const Ciphertext& a, const GaloisKeys& keys) const;
  Ciphertext apply_galois(const Ciphertext& a, std::uint32_t galois_elt,
                          const GaloisKeys& keys) const;
  Ciphertext apply_galois(const Ciphertext& a, std::uint32_t galois_elt, const GaloisKeys& keys,
                          const ParallelFor& parallel) const;
  // Many rotations of one ciphertext sharing one decomposition (step 0 gives a copy).
  std::vector<Ciphertext> rotate_hoisted(const Ciphertext& a, std::span<const int> steps,
                                         const GaloisKeys& keys) const;
  // The same through `parallel`: the decomposition and all the rotations' key switches are split
  // into pieces (key_switch.hpp) shared by the caller's threads (bit-identical results).
  std::vector<Ciphertext> rotate_hoisted(const Ciphertext& a, std::span<const int> steps,
                                         const GaloisKeys& keys, const ParallelFor& parallel) const;
  // slot j of the result = sum_{t < count} slot (j + t * stride) of a; count a power of two.
  // Uses log2(count) rotations by stride * 2^i.
  Ciphertext rotate_and_sum(const Ciphertext& a, std::size_t count, int stride,
                            const GaloisKeys& keys) const;
  Ciphertext rotate_and_sum(const Ciphertext& a, std::size_t count, int stride,
                            const GaloisKeys& keys, const ParallelFor& parallel) const;

 private:
  void check_same_level_scale(const Ciphertext& a, const Ciphertext& b, const char* op) const;

  std::shared_ptr<const CkksContext> context_;
  CkksEncoder encoder_;  // for multiply_vector_inplace
};

}  // namespace hesplit::ckks
