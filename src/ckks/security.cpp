#include "ckks/security.hpp"

#include <bit>
#include <stdexcept>
#include <string>

namespace hesplit::ckks {

std::optional<int> max_secure_log2_qp(std::size_t poly_degree) noexcept {
  switch (poly_degree) {
    case 4096:
      return 109;
    case 8192:
      return 218;
    case 16384:
      return 438;
    case 32768:
      return 881;
    case 65536:
      return 1747;
    default:
      return std::nullopt;
  }
}

int total_bit_count(std::span<const std::uint64_t> data_primes,
                    std::span<const std::uint64_t> special_primes) noexcept {
  int bits = 0;
  for (const std::uint64_t q : data_primes) bits += std::bit_width(q);
  for (const std::uint64_t p : special_primes) bits += std::bit_width(p);
  return bits;
}

void check_security(std::size_t poly_degree, std::span<const std::uint64_t> data_primes,
                    std::span<const std::uint64_t> special_primes) {
  const std::optional<int> limit = max_secure_log2_qp(poly_degree);
  if (!limit) {
    throw std::invalid_argument("CKKS parameters: N = " + std::to_string(poly_degree) +
                                " is not in the 128-bit security table (N must be 4096, 8192, "
                                "16384, 32768 or 65536)");
  }
  const int bits = total_bit_count(data_primes, special_primes);
  if (bits > *limit) {
    throw std::invalid_argument(
        "CKKS parameters are not 128-bit secure: log2(QP) = " + std::to_string(bits) +
        " bits exceeds the HomomorphicEncryption.org limit of " + std::to_string(*limit) +
        " bits for N = " + std::to_string(poly_degree) + " (ternary secret)");
  }
}

}  // namespace hesplit::ckks
