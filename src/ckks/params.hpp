#pragma once
// CKKS parameter sets: ring degree, prime chain, special primes, key-switching digits, scale.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hesplit::ckks {

struct CkksParameters {
  std::string name = "custom";
  std::size_t poly_degree = 0;  // N, a power of two in [2^12, 2^16] (smaller only if insecure)
  // Data primes q_0..q_L, each = 1 mod 2N, < 2^61, distinct. q_0 is the base prime that remains
  // after all rescales; rescale drops the last one.
  std::vector<std::uint64_t> data_primes;
  // Special primes p_0..p_{k-1} (k >= 1), used only inside key switching (their product is P).
  std::vector<std::uint64_t> special_primes;
  double default_scale = 0.0;  // used by encoders when no scale is given
  // Number of key-switching digits; 0 means ceil((L + 1) / k) (digits of k primes).
  std::size_t dnum = 0;
  // Skips the HomomorphicEncryption.org 128-bit check and allows N < 4096. Tests only.
  bool allow_insecure = false;

  // Primes by bit size (deterministic: largest primes below 2^bits that are 1 mod 2N).
  static CkksParameters from_bit_sizes(std::size_t poly_degree, const std::vector<int>& data_bits,
                                       const std::vector<int>& special_bits, double default_scale,
                                       std::size_t dnum = 0, bool allow_insecure = false);
};

// Named presets (docs/ckks.md lists their security and measured precision):
//   "sealed-8192"  N 8192,  data {50,50,40},             special {60},    scale 2^40
//   "sealed-16384" N 16384, data {50,50,50,50,50,40},    special {60,60}, scale 2^40
//   "paper-8192"   N 8192,  data {40,21,21,21},          special {40},    scale 2^21
//   "paper-16384"  N 16384, data {40,21,21,21},          special {40},    scale 2^21
//   "seal-8192"    N 8192,  data {60,40,40},             special {60},    scale 2^40 (SEAL's bench)
// Throws std::invalid_argument naming the known presets for an unknown name.
CkksParameters preset(std::string_view name);
std::vector<std::string> preset_names();

}  // namespace hesplit::ckks
