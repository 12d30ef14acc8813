#pragma once
// A small deterministic generator for seeded shuffles and draws of beats (SplitMix64, Steele,
// Lea and Flood 2014). It is not for keys or noise: crypto randomness comes from OpenSSL. We use
// our own rather than std::mt19937 so that a seed gives the same dataset with every compiler and
// standard library (std:: distributions are implementation-defined).
#include <cstdint>
#include <utility>
#include <vector>

namespace hesplit::ecg {

class SeededRng {
 public:
  explicit SeededRng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, bound), bound > 0, without modulo bias (rejection of the short last range).
  std::uint64_t below(std::uint64_t bound) {
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    std::uint64_t v = next();
    while (v >= limit) v = next();
    return v % bound;
  }

  // Fisher-Yates shuffle.
  template <typename T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) {
      std::swap(items[i - 1], items[static_cast<std::size_t>(below(i))]);
    }
  }

 private:
  std::uint64_t state_;
};

}  // namespace hesplit::ecg
