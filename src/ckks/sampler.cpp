#include "ckks/sampler.hpp"

#include <array>
#include <bit>
#include <cmath>

namespace hesplit::ckks {
namespace {

// Cumulative distribution of |e| for the discrete Gaussian, as 63-bit fixed-point thresholds:
// thresholds[k] = floor(2^63 * P(|e| <= k)), k = 0..kErrorBound - 1.
using GaussianTable = std::array<std::uint64_t, kErrorBound>;

GaussianTable make_gaussian_table() {
  std::array<long double, kErrorBound + 1> weight{};
  long double total = 0.0L;
  for (int k = 0; k <= kErrorBound; ++k) {
    const long double density =
        std::exp(-static_cast<long double>(k * k) / (2.0L * kErrorSigma * kErrorSigma));
    weight[static_cast<std::size_t>(k)] = (k == 0) ? density : 2.0L * density;
    total += weight[static_cast<std::size_t>(k)];
  }
  GaussianTable table{};
  long double cumulative = 0.0L;
  for (int k = 0; k < kErrorBound; ++k) {
    cumulative += weight[static_cast<std::size_t>(k)] / total;
    table[static_cast<std::size_t>(k)] = static_cast<std::uint64_t>(std::ldexp(cumulative, 63));
  }
  return table;
}

}  // namespace

RnsPoly sample_uniform(Prng& prng, std::span<const Modulus> moduli, std::size_t degree) {
  RnsPoly out(degree, moduli.size());
  for (std::size_t i = 0; i < moduli.size(); ++i) {
    const std::uint64_t q = moduli[i].value();
    const std::uint64_t mask = (std::uint64_t{1} << moduli[i].bit_count()) - 1;
    std::span<std::uint64_t> limb = out.limb(i);
    for (std::size_t j = 0; j < degree; ++j) {
      std::uint64_t w = prng.next_u64() & mask;
      while (w >= q) w = prng.next_u64() & mask;
      limb[j] = w;
    }
  }
  return out;
}

void sample_ternary(Prng& prng, std::span<std::int8_t> out) {
  std::size_t j = 0;
  while (j < out.size()) {
    std::uint64_t w = prng.next_u64();
    for (int b = 0; b < 8 && j < out.size(); ++b, w >>= 8) {
      const unsigned byte = static_cast<unsigned>(w & 0xFF);
      if (byte >= 255) continue;  // 255 = 3 * 85: reject to stay unbiased
      out[j++] = static_cast<std::int8_t>(static_cast<int>(byte % 3) - 1);
    }
  }
}

void sample_gaussian(Prng& prng, std::span<std::int8_t> out) {
  static const GaussianTable table = make_gaussian_table();
  for (std::int8_t& e : out) {
    const std::uint64_t w = prng.next_u64();
    const std::uint64_t u = w >> 1;
    int magnitude = 0;
    // Branch-free scan of the whole table (no early exit on the sampled value).
    for (const std::uint64_t threshold : table) magnitude += (u >= threshold) ? 1 : 0;
    const int sign = static_cast<int>(w & 1);
    e = static_cast<std::int8_t>(sign ? -magnitude : magnitude);
  }
}

void small_to_rns(std::span<const std::int8_t> small, std::span<const Modulus> moduli,
                  RnsPoly& out) {
  for (std::size_t i = 0; i < moduli.size(); ++i) {
    const std::uint64_t q = moduli[i].value();
    std::span<std::uint64_t> limb = out.limb(i);
    for (std::size_t j = 0; j < small.size(); ++j) {
      const std::int64_t v = small[j];
      limb[j] = v >= 0 ? static_cast<std::uint64_t>(v) : q - static_cast<std::uint64_t>(-v);
    }
  }
}

}  // namespace hesplit::ckks
