#include "ckks/primes.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <string>

#include "ckks/modulus.hpp"

namespace hesplit::ckks {
namespace {

std::uint64_t mul_mod_plain(std::uint64_t a, std::uint64_t b, std::uint64_t n) {
  return static_cast<std::uint64_t>(static_cast<u128>(a) * b % n);
}

std::uint64_t pow_mod_plain(std::uint64_t base, std::uint64_t e, std::uint64_t n) {
  std::uint64_t r = 1 % n;
  base %= n;
  while (e != 0) {
    if (e & 1) r = mul_mod_plain(r, base, n);
    base = mul_mod_plain(base, base, n);
    e >>= 1;
  }
  return r;
}

}  // namespace

bool is_prime(std::uint64_t n) noexcept {
  constexpr std::uint64_t kBases[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
  if (n < 2) return false;
  for (const std::uint64_t p : kBases) {
    if (n % p == 0) return n == p;
  }
  std::uint64_t d = n - 1;
  int s = 0;
  while ((d & 1) == 0) {
    d >>= 1;
    ++s;
  }
  for (const std::uint64_t a : kBases) {
    std::uint64_t x = pow_mod_plain(a, d, n);
    if (x == 1 || x == n - 1) continue;
    bool composite = true;
    for (int r = 1; r < s; ++r) {
      x = mul_mod_plain(x, x, n);
      if (x == n - 1) {
        composite = false;
        break;
      }
    }
    if (composite) return false;
  }
  return true;
}

std::vector<std::uint64_t> generate_ntt_primes(std::span<const int> bit_sizes, std::size_t degree,
                                               std::span<const std::uint64_t> exclude) {
  if (degree < 2 || !std::has_single_bit(degree)) {
    throw std::invalid_argument("ring degree " + std::to_string(degree) +
                                " is not a power of two >= 2");
  }
  const std::uint64_t step = 2 * static_cast<std::uint64_t>(degree);
  const int min_bits = std::bit_width(step) + 1;
  std::vector<std::uint64_t> chosen;
  for (const int bits : bit_sizes) {
    if (bits < min_bits || bits > Modulus::kMaxBits) {
      throw std::invalid_argument(
          "prime bit size " + std::to_string(bits) + " is outside [" + std::to_string(min_bits) +
          ", " + std::to_string(Modulus::kMaxBits) + "] for N = " + std::to_string(degree));
    }
    const std::uint64_t upper = std::uint64_t{1} << bits;
    const std::uint64_t lower = std::uint64_t{1} << (bits - 1);
    // Largest candidate below 2^b that is 1 mod 2N, then downwards in steps of 2N.
    std::uint64_t candidate = upper - step + 1;
    bool found = false;
    for (; candidate > lower; candidate -= step) {
      const bool used = std::find(chosen.begin(), chosen.end(), candidate) != chosen.end() ||
                        std::find(exclude.begin(), exclude.end(), candidate) != exclude.end();
      if (!used && is_prime(candidate)) {
        found = true;
        break;
      }
    }
    if (!found) {
      throw std::invalid_argument("not enough " + std::to_string(bits) +
                                  "-bit primes congruent to 1 mod " + std::to_string(step));
    }
    chosen.push_back(candidate);
  }
  return chosen;
}

std::uint64_t minimal_primitive_root(std::size_t degree, std::uint64_t q) {
  const std::uint64_t order = 2 * static_cast<std::uint64_t>(degree);
  if ((q - 1) % order != 0 || !is_prime(q)) {
    throw std::invalid_argument(std::to_string(q) + " is not a prime congruent to 1 mod " +
                                std::to_string(order));
  }
  const Modulus m(q);
  const std::uint64_t cofactor = (q - 1) / order;
  // Find any element of exact order 2N (x^N = -1), deterministically from small candidates.
  std::uint64_t root = 0;
  for (std::uint64_t x = 2; x < q; ++x) {
    const std::uint64_t r = pow_mod(x, cofactor, m);
    if (pow_mod(r, degree, m) == q - 1) {
      root = r;
      break;
    }
  }
  if (root == 0) throw std::invalid_argument("no primitive root found mod " + std::to_string(q));
  // The primitive 2N-th roots are root^k for odd k; take the smallest one.
  const std::uint64_t root_sq = mul_mod(root, root, m);
  std::uint64_t best = root;
  std::uint64_t current = root;
  for (std::uint64_t k = 1; k < degree; ++k) {
    current = mul_mod(current, root_sq, m);
    best = std::min(best, current);
  }
  return best;
}

}  // namespace hesplit::ckks
