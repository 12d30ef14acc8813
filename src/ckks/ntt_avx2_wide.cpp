// AVX2 kernel for the negacyclic NTT with primes of 50 to 60 bits, "avx2-wide" (issue 21): Harvey
// butterflies with Shoup products on four 64-bit lanes, each 64 x 64-bit product assembled from
// 32-bit vpmuludq pieces. Doubles cannot hold these residues exactly, hence this slower second
// AVX2 route. To save a quarter of the work the Shoup quotient drops the carry of the low partial
// products (it may fall 2 short, so products are in [0, 4q)) and values are kept lazily in
// [0, 8q) instead of [0, 4q): 8q < 2^63 for q < 2^60, so AVX2's signed compares still order them.
// Outputs are fully reduced, so bit-identical to the scalar kernel's.
#include <algorithm>

#include "ckks/ntt_avx2.hpp"
#include "ckks/simd_u64.hpp"

namespace hesplit::ckks {
namespace {

using simd::u64::Constants;
using simd::u64::mul_shoup;
using simd::u64::reduce_once;
using simd::u64::ShoupRoot;

// Cooley-Tukey, values in [0, 8q): x' = x mod 4q + y w, y' = x mod 4q - y w + 4q.
HESPLIT_AVX2_INT inline void ct(__m256i& x, __m256i& y, const ShoupRoot& r, const Constants& c) {
  const __m256i u = reduce_once(x, c.four_q, c.four_q_minus_1);
  const __m256i v = mul_shoup(y, r, c);
  x = _mm256_add_epi64(u, v);
  y = _mm256_sub_epi64(_mm256_add_epi64(u, c.four_q), v);
}

// Gentleman-Sande, values in [0, 4q): x' = (x + y) mod 4q, y' = (x - y + 4q) w.
HESPLIT_AVX2_INT inline void gs(__m256i& x, __m256i& y, const ShoupRoot& r, const Constants& c) {
  const __m256i d = _mm256_sub_epi64(_mm256_add_epi64(x, c.four_q), y);
  x = reduce_once(_mm256_add_epi64(x, y), c.four_q, c.four_q_minus_1);
  y = mul_shoup(d, r, c);
}

// [0, 8q) -> [0, q).
HESPLIT_AVX2_INT inline __m256i reduce_from_8q(__m256i x, const Constants& c) {
  x = reduce_once(x, c.four_q, c.four_q_minus_1);
  x = reduce_once(x, c.two_q, c.two_q_minus_1);
  return reduce_once(x, c.q, c.q_minus_1);
}

using simd::u64::broadcast_root;
using simd::u64::lane_roots;

HESPLIT_AVX2_INT inline __m256i load(const std::uint64_t* p) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}
HESPLIT_AVX2_INT inline void store(std::uint64_t* p, __m256i v) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v);
}
// [r0 r0 r1 r1] for the two words at p.
HESPLIT_AVX2_INT inline __m256i pair_words(const std::uint64_t* p) {
  return _mm256_permute4x64_epi64(
      _mm256_castsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))), 0x50);
}

// The same butterflies on one word pair with the scalar multiplier (exact Shoup, [0, 2q)).
template <bool Forward>
inline void scalar_butterfly(std::uint64_t& x, std::uint64_t& y, std::uint64_t w, std::uint64_t ws,
                             std::uint64_t q) {
  if constexpr (Forward) {
    const std::uint64_t u = x >= 4 * q ? x - 4 * q : x;
    const std::uint64_t v = mul_shoup_lazy(y, w, ws, q);
    x = u + v;
    y = u + 4 * q - v;
  } else {
    const std::uint64_t s = x + y;
    const std::uint64_t d = x + 4 * q - y;
    x = s >= 4 * q ? s - 4 * q : s;
    y = mul_shoup_lazy(d, w, ws, q);
  }
}

// One stage with butterfly distance t >= 4 over m groups.
template <bool Forward>
HESPLIT_AVX2_INT void wide_stage(std::uint64_t* a, std::size_t m, std::size_t t,
                                 const std::uint64_t* w, const std::uint64_t* ws,
                                 const Constants& c) {
  const std::uint64_t qs = c.value;
  // The scalar multiplier works beside the vector units: a quarter of each group's butterflies
  // (measured best of 1/2, 1/3, 1/4 on Zen 5: 1.1x the vector-only stage) go through it,
  // interleaved with the vector ones.
  const std::size_t tv = t >= 64 ? (t - t / 4) & ~std::size_t{7} : t;
  for (std::size_t i = 0; i < m; ++i) {
    const ShoupRoot r = broadcast_root(w[m + i], ws[m + i]);
    std::uint64_t* x = a + 2 * i * t;
    std::uint64_t* y = x + t;
    std::size_t js = tv;
    for (std::size_t j = 0; j < tv; j += 4) {
      __m256i vx = load(x + j), vy = load(y + j);
      if constexpr (Forward) {
        ct(vx, vy, r, c);
      } else {
        gs(vx, vy, r, c);
      }
      store(x + j, vx);
      store(y + j, vy);
      for (const std::size_t end = std::min(js + 2, t); js < end; ++js) {
        scalar_butterfly<Forward>(x[js], y[js], w[m + i], ws[m + i], qs);
      }
    }
    for (; js < t; ++js) scalar_butterfly<Forward>(x[js], y[js], w[m + i], ws[m + i], qs);
  }
}

// The forward stages t = 2 and t = 1 on blocks of 8 words, then the reduction to [0, q).
HESPLIT_AVX2_INT void forward_last_pass(std::uint64_t* a, std::size_t n, const std::uint64_t* w,
                                        const std::uint64_t* ws, const Constants& c) {
  const std::size_t m2 = n / 4, m1 = n / 2;
  for (std::size_t k = 0; k < n; k += 8) {
    const __m256i v0 = load(a + k), v1 = load(a + k + 4);
    __m256i x = _mm256_permute2x128_si256(v0, v1, 0x20);  // a0 a1 a4 a5
    __m256i y = _mm256_permute2x128_si256(v0, v1, 0x31);  // a2 a3 a6 a7
    ct(x, y, lane_roots(pair_words(w + m2 + k / 4), pair_words(ws + m2 + k / 4)), c);
    __m256i x1 = _mm256_unpacklo_epi64(x, y);  // a0 a2 a4 a6
    __m256i y1 = _mm256_unpackhi_epi64(x, y);  // a1 a3 a5 a7
    ct(x1, y1, lane_roots(load(w + m1 + k / 2), load(ws + m1 + k / 2)), c);
    x1 = reduce_from_8q(x1, c);
    y1 = reduce_from_8q(y1, c);
    const __m256i lo = _mm256_unpacklo_epi64(x1, y1);  // a0 a1 a4 a5
    const __m256i hi = _mm256_unpackhi_epi64(x1, y1);  // a2 a3 a6 a7
    store(a + k, _mm256_permute2x128_si256(lo, hi, 0x20));
    store(a + k + 4, _mm256_permute2x128_si256(lo, hi, 0x31));
  }
}

// The inverse stages t = 1 and t = 2 on blocks of 8 words.
HESPLIT_AVX2_INT void inverse_first_pass(std::uint64_t* a, std::size_t n, const std::uint64_t* w,
                                         const std::uint64_t* ws, const Constants& c) {
  const std::size_t m1 = n / 2, m2 = n / 4;
  for (std::size_t k = 0; k < n; k += 8) {
    const __m256i v0 = load(a + k), v1 = load(a + k + 4);
    const __m256i lo = _mm256_permute2x128_si256(v0, v1, 0x20);  // a0 a1 a4 a5
    const __m256i hi = _mm256_permute2x128_si256(v0, v1, 0x31);  // a2 a3 a6 a7
    __m256i x = _mm256_unpacklo_epi64(lo, hi);                   // a0 a2 a4 a6
    __m256i y = _mm256_unpackhi_epi64(lo, hi);                   // a1 a3 a5 a7
    gs(x, y, lane_roots(load(w + m1 + k / 2), load(ws + m1 + k / 2)), c);
    __m256i x2 = _mm256_unpacklo_epi64(x, y);  // a0 a1 a4 a5
    __m256i y2 = _mm256_unpackhi_epi64(x, y);  // a2 a3 a6 a7
    gs(x2, y2, lane_roots(pair_words(w + m2 + k / 4), pair_words(ws + m2 + k / 4)), c);
    store(a + k, _mm256_permute2x128_si256(x2, y2, 0x20));
    store(a + k + 4, _mm256_permute2x128_si256(x2, y2, 0x31));
  }
}

HESPLIT_AVX2_INT void forward_wide(std::uint64_t* a, const NttTables& tables) {
  const std::size_t n = tables.degree();
  const Constants c(tables.modulus().value());
  const std::uint64_t* w = tables.root_powers().data();
  const std::uint64_t* ws = tables.root_powers_shoup().data();
  for (std::size_t m = 1, t = n / 2; t >= 4; m <<= 1, t >>= 1) wide_stage<true>(a, m, t, w, ws, c);
  forward_last_pass(a, n, w, ws, c);
}

HESPLIT_AVX2_INT void inverse_wide(std::uint64_t* a, const NttTables& tables) {
  const std::size_t n = tables.degree();
  const std::uint64_t qs = tables.modulus().value();
  const Constants c(qs);
  const std::uint64_t* w = tables.inv_root_powers().data();
  const std::uint64_t* ws = tables.inv_root_powers_shoup().data();
  inverse_first_pass(a, n, w, ws, c);
  for (std::size_t m = n / 8, t = 4; m >= 2; m >>= 1, t <<= 1) wide_stage<false>(a, m, t, w, ws, c);
  // Last stage fused with the scaling by N^-1, as in the scalar kernel.
  const std::uint64_t ninv = tables.inv_degree();
  const std::uint64_t wn = mul_mod(w[1], ninv, tables.modulus());
  const ShoupRoot rn = broadcast_root(ninv, tables.inv_degree_shoup());
  const ShoupRoot rw = broadcast_root(wn, shoup_precompute(wn, qs));
  const std::size_t half = n / 2;
  for (std::size_t j = 0; j < half; j += 4) {
    const __m256i u = load(a + j), v = load(a + j + half);
    const __m256i s = _mm256_add_epi64(u, v);
    const __m256i d = _mm256_sub_epi64(_mm256_add_epi64(u, c.four_q), v);
    store(a + j, reduce_from_8q(mul_shoup(s, rn, c), c));
    store(a + j + half, reduce_from_8q(mul_shoup(d, rw, c), c));
  }
}

}  // namespace

bool avx2_wide_kernel_supports(std::size_t degree, const Modulus& modulus) noexcept {
  return degree >= 16 && modulus.value() < (std::uint64_t{1} << 60);
}

NttKernel avx2_wide_ntt_kernel() noexcept { return {"avx2-wide", &forward_wide, &inverse_wide}; }

}  // namespace hesplit::ckks
