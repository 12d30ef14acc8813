#pragma once
// Hybrid key switching (Han-Ki 2019) with centred digits, split in two halves so that many
// automorphisms can share one decomposition (hoisting, Halevi-Shoup 2018):
//   decompose():  c (NTT form, level l) -> for each digit j at level l, [c]_{Q_j} lifted (centred)
//                 to Q_l U P, in NTT form. Cost: l+1 inverse NTTs, digits * (l+1+k-alpha) NTTs.
//   apply():      sum_j D_j(perm) * (b_j, a_j), then divide by P with rounding (ModDown).
//                 Cost: 2k inverse NTTs, 2(l+1) NTTs.
// The result (d0, d1) satisfies d0 + d1 s = c(X^g) s'(X) (+ small noise) mod Q_l, where s' is the
// key's source secret and g the automorphism applied to the digits (identity if perm is empty).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "ckks/context.hpp"
#include "ckks/keys.hpp"
#include "ckks/parallel.hpp"
#include "ckks/rns_poly.hpp"

namespace hesplit::ckks {

struct DecomposedPoly {
  std::size_t level = 0;
  std::size_t digit_count = 0;
  std::size_t limbs_per_digit = 0;  // level + 1 + k
  // Digit j, limb r at limb j * limbs_per_digit + r: NTT form, data primes q_0..q_l then special
  // primes. One allocation for all digits (the largest buffer of a key switch).
  RnsPoly storage;

  std::span<const std::uint64_t> limb(std::size_t digit, std::size_t r) const noexcept {
    return storage.limb(digit * limbs_per_digit + r);
  }
};

DecomposedPoly decompose(const CkksContext& context, const RnsPoly& c, std::size_t level);

// Adds the key-switched pair to (out0, out1) (each level + 1 limbs, NTT form).
// `perm` (N entries, galois.hpp) is applied to the digits; empty = no automorphism.
void key_switch_accumulate(const CkksContext& context, const DecomposedPoly& decomposed,
                           const KSwitchKey& key, std::span<const std::uint32_t> perm,
                           RnsPoly& out0, RnsPoly& out1);

// Parallel forms, bit-identical to the serial ones (exact modular arithmetic, same operations).
// The pieces are sized so that two threads share even one key switch at level 0 (one data limb,
// one digit): the decomposition runs one task per digit, then one per (digit, lifted limb); the
// key switch runs the inner products in two coefficient halves, then ModDown per output
// component. Several keys applied to one decomposition (hoisting) share both parallel loops.
DecomposedPoly decompose(const CkksContext& context, const RnsPoly& c, std::size_t level,
                         const ParallelFor& parallel);

struct KeySwitchJob {
  const KSwitchKey* key = nullptr;
  RnsPoly* out0 = nullptr;  // level + 1 limbs each, NTT form; the result is added
  RnsPoly* out1 = nullptr;
};
// For every job, as key_switch_accumulate without a permutation (pre-permuted keys); then
// finished(job, component) runs (in the same task) once that output component is complete.
using KeySwitchFinished = std::function<void(std::size_t job, std::size_t component)>;
void key_switch_accumulate(const CkksContext& context, const DecomposedPoly& decomposed,
                           std::span<const KeySwitchJob> jobs, const ParallelFor& parallel,
                           const KeySwitchFinished& finished);

}  // namespace hesplit::ckks
