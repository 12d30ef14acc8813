#include "ckks/ntt.hpp"

#include <bit>
#include <stdexcept>
#include <string>

#include "ckks/primes.hpp"

namespace hesplit::ckks {
namespace {

// One Harvey butterfly: x, y in [0, 4q) -> x + w y, x - w y in [0, 4q).
inline void forward_butterfly(std::uint64_t& x, std::uint64_t& y, std::uint64_t w, std::uint64_t ws,
                              std::uint64_t q, std::uint64_t two_q) noexcept {
  std::uint64_t u = x;
  u -= (u >= two_q) ? two_q : 0;
  const std::uint64_t v = mul_shoup_lazy(y, w, ws, q);
  x = u + v;
  y = u - v + two_q;
}

inline std::uint64_t reduce_from_4q(std::uint64_t u, std::uint64_t q,
                                    std::uint64_t two_q) noexcept {
  u -= (u >= two_q) ? two_q : 0;
  return u - ((u >= q) ? q : 0);
}

// Cooley-Tukey with Harvey's lazy reduction: values stay in [0, 4q) between stages. The last two
// stages (t = 2, t = 1) are unrolled, and the final reduction to [0, q) is fused into the last.
void forward_scalar(std::uint64_t* __restrict a, const NttTables& tables) {
  const std::uint64_t q = tables.modulus().value();
  const std::uint64_t two_q = 2 * q;
  const std::size_t n = tables.degree();
  const std::uint64_t* __restrict w = tables.root_powers().data();
  const std::uint64_t* __restrict ws = tables.root_powers_shoup().data();
  std::size_t m = 1;
  std::size_t t = n >> 1;
  for (; t >= 4; m <<= 1, t >>= 1) {
    for (std::size_t i = 0; i < m; ++i) {
      const std::uint64_t wi = w[m + i];
      const std::uint64_t wsi = ws[m + i];
      std::uint64_t* __restrict x = a + 2 * i * t;
      std::uint64_t* __restrict y = x + t;
      for (std::size_t j = 0; j < t; ++j) forward_butterfly(x[j], y[j], wi, wsi, q, two_q);
    }
  }
  if (t == 2) {
    for (std::size_t i = 0; i < m; ++i) {
      std::uint64_t* x = a + 4 * i;
      forward_butterfly(x[0], x[2], w[m + i], ws[m + i], q, two_q);
      forward_butterfly(x[1], x[3], w[m + i], ws[m + i], q, two_q);
    }
    m <<= 1;
  }
  for (std::size_t i = 0; i < m; ++i) {
    std::uint64_t* x = a + 2 * i;
    forward_butterfly(x[0], x[1], w[m + i], ws[m + i], q, two_q);
    x[0] = reduce_from_4q(x[0], q, two_q);
    x[1] = reduce_from_4q(x[1], q, two_q);
  }
}

// Gentleman-Sande with values in [0, 2q); the last stage also multiplies by N^-1.
void inverse_scalar(std::uint64_t* a, const NttTables& tables) {
  const std::uint64_t q = tables.modulus().value();
  const std::uint64_t two_q = 2 * q;
  const std::size_t n = tables.degree();
  const std::uint64_t* w = tables.inv_root_powers().data();
  const std::uint64_t* ws = tables.inv_root_powers_shoup().data();
  std::size_t t = 1;
  for (std::size_t m = n >> 1; m > 1; m >>= 1) {
    for (std::size_t i = 0; i < m; ++i) {
      const std::uint64_t wi = w[m + i];
      const std::uint64_t wsi = ws[m + i];
      std::uint64_t* x = a + 2 * i * t;
      std::uint64_t* y = x + t;
      for (std::size_t j = 0; j < t; ++j) {
        const std::uint64_t u = x[j];
        const std::uint64_t v = y[j];
        std::uint64_t s = u + v;
        s -= (s >= two_q) ? two_q : 0;
        x[j] = s;
        y[j] = mul_shoup_lazy(u - v + two_q, wi, wsi, q);
      }
    }
    t <<= 1;
  }
  // Last stage (m = 1, t = N/2) fused with the scaling by N^-1.
  const std::uint64_t ninv = tables.inv_degree();
  const std::uint64_t ninv_s = tables.inv_degree_shoup();
  const std::uint64_t wn = mul_mod(w[1], ninv, tables.modulus());
  const std::uint64_t wn_s = shoup_precompute(wn, q);
  const std::size_t half = n >> 1;
  for (std::size_t j = 0; j < half; ++j) {
    const std::uint64_t u = a[j];
    const std::uint64_t v = a[j + half];
    std::uint64_t s = u + v;
    s -= (s >= two_q) ? two_q : 0;
    std::uint64_t r0 = mul_shoup_lazy(s, ninv, ninv_s, q);
    std::uint64_t r1 = mul_shoup_lazy(u - v + two_q, wn, wn_s, q);
    a[j] = r0 - ((r0 >= q) ? q : 0);
    a[j + half] = r1 - ((r1 >= q) ? q : 0);
  }
}

}  // namespace

NttKernel scalar_ntt_kernel() noexcept { return {"scalar", &forward_scalar, &inverse_scalar}; }

std::uint32_t bit_reverse(std::uint32_t x, int bits) noexcept {
  std::uint32_t r = 0;
  for (int b = 0; b < bits; ++b) {
    r = (r << 1) | ((x >> b) & 1U);
  }
  return r;
}

NttTables::NttTables(std::size_t degree, const Modulus& modulus)
    : NttTables(degree, modulus, scalar_ntt_kernel()) {}

NttTables::NttTables(std::size_t degree, const Modulus& modulus, NttKernel kernel)
    : degree_(degree), log_degree_(0), modulus_(modulus), kernel_(kernel) {
  if (degree < 2 || !std::has_single_bit(degree)) {
    throw std::invalid_argument("NTT degree " + std::to_string(degree) +
                                " is not a power of two >= 2");
  }
  log_degree_ = std::countr_zero(degree);
  const std::uint64_t q = modulus.value();
  root_ = minimal_primitive_root(degree, q);
  const std::uint64_t inv_root = inv_mod(root_, modulus);
  root_powers_.resize(degree);
  root_powers_shoup_.resize(degree);
  inv_root_powers_.resize(degree);
  inv_root_powers_shoup_.resize(degree);
  std::uint64_t power = 1;
  std::uint64_t inv_power = 1;
  for (std::size_t k = 0; k < degree; ++k) {
    const std::size_t idx = bit_reverse(static_cast<std::uint32_t>(k), log_degree_);
    root_powers_[idx] = power;
    inv_root_powers_[idx] = inv_power;
    power = mul_mod(power, root_, modulus);
    inv_power = mul_mod(inv_power, inv_root, modulus);
  }
  for (std::size_t k = 0; k < degree; ++k) {
    root_powers_shoup_[k] = shoup_precompute(root_powers_[k], q);
    inv_root_powers_shoup_[k] = shoup_precompute(inv_root_powers_[k], q);
  }
  inv_degree_ = inv_mod(degree % q, modulus);
  inv_degree_shoup_ = shoup_precompute(inv_degree_, q);
}

}  // namespace hesplit::ckks
