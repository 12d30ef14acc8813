#pragma once
// Helpers shared by the CKKS tests: deterministic test messages (not cryptographic), a
// schoolbook negacyclic product (the independent oracle for every NTT-based product), and
// precision in bits.

#include <cmath>
#include <complex>
#include <cstdint>
#include <span>
#include <vector>

namespace hesplit::ckks::test {

// Deterministic, well-spread pseudo-random words (splitmix64), for test inputs only.
class TestWords {
 public:
  explicit TestWords(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform-ish in [-1, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1p-52 - 1.0; }

 private:
  std::uint64_t state_;
};

inline std::vector<std::complex<double>> complex_message(std::size_t count, std::uint64_t seed,
                                                         double bound = 1.0) {
  TestWords w(seed);
  std::vector<std::complex<double>> v(count);
  for (auto& x : v) {
    const double re = w.unit() * bound;
    x = {re, w.unit() * bound};
  }
  return v;
}

inline std::vector<double> real_message(std::size_t count, std::uint64_t seed, double bound = 1.0) {
  TestWords w(seed);
  std::vector<double> v(count);
  for (double& x : v) x = w.unit() * bound;
  return v;
}

// a * b mod (X^N + 1, q), O(N^2).
inline std::vector<std::uint64_t> schoolbook_negacyclic(std::span<const std::uint64_t> a,
                                                        std::span<const std::uint64_t> b,
                                                        std::uint64_t q) {
  const std::size_t n = a.size();
  std::vector<unsigned __int128> acc_pos(n, 0), acc_neg(n, 0);
  std::vector<std::uint64_t> out(n);
  // Accumulate reduced products to avoid 128-bit overflow: reduce each product first.
  std::vector<std::uint64_t> pos(n, 0), neg(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const std::uint64_t p =
          static_cast<std::uint64_t>(static_cast<unsigned __int128>(a[i]) * b[j] % q);
      const std::size_t k = i + j;
      if (k < n) {
        pos[k] = (pos[k] + p) % q;
      } else {
        neg[k - n] = (neg[k - n] + p) % q;
      }
    }
  }
  for (std::size_t k = 0; k < n; ++k) out[k] = (pos[k] + q - neg[k]) % q;
  return out;
}

// -log2(max |a_i - b_i|) over the first `count` entries (precision in bits).
template <typename T>
double precision_bits(std::span<const T> got, std::span<const T> want) {
  double worst = 0.0;
  for (std::size_t i = 0; i < want.size(); ++i) worst = std::max(worst, std::abs(got[i] - want[i]));
  return worst == 0.0 ? 64.0 : -std::log2(worst);
}

// -log2(mean |a_i - b_i|): the average precision (Lattigo's "average"), reported next to the
// worst-slot figure.
template <typename T>
double mean_precision_bits(std::span<const T> got, std::span<const T> want) {
  double total = 0.0;
  for (std::size_t i = 0; i < want.size(); ++i) total += std::abs(got[i] - want[i]);
  const double mean = total / static_cast<double>(want.size());
  return mean == 0.0 ? 64.0 : -std::log2(mean);
}

}  // namespace hesplit::ckks::test
