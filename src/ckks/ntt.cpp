#include "ckks/ntt.hpp"

#include <bit>
#include <stdexcept>
#include <string>

#include "ckks/kernel_path.hpp"
#include "ckks/ntt_avx2.hpp"
#include "ckks/ntt_ifma.hpp"
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

// Cooley-Tukey with Harvey's lazy reduction: values stay in [0, 4q) between stages. Stages are
// fused in pairs (radix 4) to halve the passes over memory: a block of 4 words goes through the
// butterflies of stage (m, t) and of stage (2m, t / 2) while it sits in registers. The final
// reduction to [0, q) is a separate pass.
void forward_scalar(std::uint64_t* __restrict a, const NttTables& tables) {
  const std::uint64_t q = tables.modulus().value();
  const std::uint64_t two_q = 2 * q;
  const std::size_t n = tables.degree();
  const std::uint64_t* __restrict w = tables.root_powers().data();
  const std::uint64_t* __restrict ws = tables.root_powers_shoup().data();
  std::size_t m = 1;
  std::size_t t = n >> 1;
  if (tables.log_degree() % 2 == 1) {
    for (std::size_t j = 0; j < t; ++j) forward_butterfly(a[j], a[j + t], w[1], ws[1], q, two_q);
    m = 2;
    t >>= 1;
  }
  for (; t > 1; m <<= 2, t >>= 2) {
    const std::size_t h = t >> 1;
    for (std::size_t i = 0; i < m; ++i) {
      const std::uint64_t w1 = w[m + i], ws1 = ws[m + i];
      const std::uint64_t w2 = w[2 * m + 2 * i], ws2 = ws[2 * m + 2 * i];
      const std::uint64_t w3 = w[2 * m + 2 * i + 1], ws3 = ws[2 * m + 2 * i + 1];
      std::uint64_t* __restrict x = a + 2 * i * t;
      for (std::size_t j = 0; j < h; ++j) {
        std::uint64_t x0 = x[j], x1 = x[j + h], x2 = x[j + t], x3 = x[j + t + h];
        forward_butterfly(x0, x2, w1, ws1, q, two_q);
        forward_butterfly(x1, x3, w1, ws1, q, two_q);
        forward_butterfly(x0, x1, w2, ws2, q, two_q);
        forward_butterfly(x2, x3, w3, ws3, q, two_q);
        x[j] = x0;
        x[j + h] = x1;
        x[j + t] = x2;
        x[j + t + h] = x3;
      }
    }
  }
  for (std::size_t j = 0; j < n; ++j) a[j] = reduce_from_4q(a[j], q, two_q);
}

// One Gentleman-Sande butterfly: x, y in [0, 2q) -> x + y, (x - y) w in [0, 2q).
inline void inverse_butterfly(std::uint64_t& x, std::uint64_t& y, std::uint64_t w, std::uint64_t ws,
                              std::uint64_t q, std::uint64_t two_q) noexcept {
  const std::uint64_t u = x;
  const std::uint64_t v = y;
  std::uint64_t s = u + v;
  s -= (s >= two_q) ? two_q : 0;
  x = s;
  y = mul_shoup_lazy(u - v + two_q, w, ws, q);
}

// Gentleman-Sande with values in [0, 2q), stages fused in pairs like the forward transform; the
// last stage (m = 1) also multiplies by N^-1 and reduces to [0, q).
void inverse_scalar(std::uint64_t* __restrict a, const NttTables& tables) {
  const std::uint64_t q = tables.modulus().value();
  const std::uint64_t two_q = 2 * q;
  const std::size_t n = tables.degree();
  const std::uint64_t* __restrict w = tables.inv_root_powers().data();
  const std::uint64_t* __restrict ws = tables.inv_root_powers_shoup().data();
  std::size_t t = 1;
  std::size_t m = n >> 1;
  for (; m >= 4; m >>= 2, t <<= 2) {
    // Stages (m, t) and (m / 2, 2t) on blocks of 4t words.
    const std::size_t half_m = m >> 1;
    for (std::size_t i = 0; i < half_m; ++i) {
      const std::uint64_t w1 = w[m + 2 * i], ws1 = ws[m + 2 * i];
      const std::uint64_t w2 = w[m + 2 * i + 1], ws2 = ws[m + 2 * i + 1];
      const std::uint64_t w3 = w[half_m + i], ws3 = ws[half_m + i];
      std::uint64_t* __restrict x = a + 4 * i * t;
      for (std::size_t j = 0; j < t; ++j) {
        std::uint64_t x0 = x[j], x1 = x[j + t], x2 = x[j + 2 * t], x3 = x[j + 3 * t];
        inverse_butterfly(x0, x1, w1, ws1, q, two_q);
        inverse_butterfly(x2, x3, w2, ws2, q, two_q);
        inverse_butterfly(x0, x2, w3, ws3, q, two_q);
        inverse_butterfly(x1, x3, w3, ws3, q, two_q);
        x[j] = x0;
        x[j + t] = x1;
        x[j + 2 * t] = x2;
        x[j + 3 * t] = x3;
      }
    }
  }
  if (m == 2) {
    for (std::size_t i = 0; i < 2; ++i) {
      std::uint64_t* x = a + 2 * i * t;
      for (std::size_t j = 0; j < t; ++j)
        inverse_butterfly(x[j], x[j + t], w[2 + i], ws[2 + i], q, two_q);
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
    const std::uint64_t r0 = mul_shoup_lazy(s, ninv, ninv_s, q);
    const std::uint64_t r1 = mul_shoup_lazy(u - v + two_q, wn, wn_s, q);
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

NttKernel default_ntt_kernel(std::size_t degree, const Modulus& modulus) {
  switch (active_kernel_path()) {
    case KernelPath::ifma:
      if (ifma_kernel_supports(degree, modulus)) return ifma_ntt_kernel();
      if (ifma_wide_kernel_supports(degree, modulus)) return ifma_wide_ntt_kernel();
      break;
    case KernelPath::avx2:
      if (avx2_kernel_supports(degree, modulus)) return avx2_ntt_kernel();
      if (avx2_wide_kernel_supports(degree, modulus)) return avx2_wide_ntt_kernel();
      break;
    case KernelPath::scalar:
      break;
  }
  return scalar_ntt_kernel();
}

// The fastest kernel the process's path, this degree and this modulus allow.
NttTables::NttTables(std::size_t degree, const Modulus& modulus)
    : NttTables(degree, modulus, default_ntt_kernel(degree, modulus)) {}

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
  if (kernel_.f64_roots) build_f64_roots();
}

void NttTables::build_f64_roots() {
  const std::uint64_t q = modulus_.value();
  const double qd = static_cast<double>(q);
  const auto balanced = [q](std::uint64_t v) {
    return v > q / 2 ? -static_cast<double>(q - v) : static_cast<double>(v);
  };
  const auto fill = [&](const U64Vector& roots, F64Vector& values, F64Vector& quotients) {
    values.resize(degree_);
    quotients.resize(degree_);
    for (std::size_t k = 0; k < degree_; ++k) {
      values[k] = balanced(roots[k]);
      quotients[k] = values[k] / qd;
    }
  };
  fill(root_powers_, root_powers_f64_, root_quotients_f64_);
  fill(inv_root_powers_, inv_root_powers_f64_, inv_root_quotients_f64_);
}

}  // namespace hesplit::ckks
