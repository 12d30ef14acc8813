#include "ckks/ntt_ifma.hpp"

#include "ckks/simd_mod.hpp"

// See simd_mod.hpp: a false positive of GCC 12 inside the intrinsics.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace hesplit::ckks {
namespace {

#define HESPLIT_IFMA HESPLIT_AVX512

using simd::Narrow;
using simd::reduce_once;
using simd::Wide;

// Lane permutations for the stages whose butterfly distance t is below the vector width: a pair
// of vectors (16 words) is split into the x and y halves of its butterflies and merged back.
struct Shuffle {
  __m512i x, y, lo, hi, w;  // w: which of the loaded roots each lane uses
};

HESPLIT_IFMA inline Shuffle shuffle_for(std::size_t t) {
  if (t == 4) {
    return {
        _mm512_setr_epi64(0, 1, 2, 3, 8, 9, 10, 11), _mm512_setr_epi64(4, 5, 6, 7, 12, 13, 14, 15),
        _mm512_setr_epi64(0, 1, 2, 3, 8, 9, 10, 11), _mm512_setr_epi64(4, 5, 6, 7, 12, 13, 14, 15),
        _mm512_setr_epi64(0, 0, 0, 0, 1, 1, 1, 1)};
  }
  if (t == 2) {
    return {
        _mm512_setr_epi64(0, 1, 4, 5, 8, 9, 12, 13), _mm512_setr_epi64(2, 3, 6, 7, 10, 11, 14, 15),
        _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11), _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15),
        _mm512_setr_epi64(0, 0, 1, 1, 2, 2, 3, 3)};
  }
  return {_mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14),
          _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15), _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11),
          _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15), _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7)};
}

// Cooley-Tukey butterfly, values in [0, 4q): x' = x mod 2q + y w, y' = x mod 2q - y w + 2q.
template <typename Mul>
HESPLIT_IFMA inline void ct_butterfly(__m512i& x, __m512i& y, __m512i w, __m512i ws, __m512i q,
                                      __m512i two_q) {
  const __m512i u = reduce_once(x, two_q);
  const __m512i v = Mul::mul(y, w, ws, q);
  x = _mm512_add_epi64(u, v);
  y = _mm512_add_epi64(_mm512_sub_epi64(u, v), two_q);
}

// Gentleman-Sande butterfly, values in [0, 2q): x' = (x + y) mod 2q, y' = (x - y + 2q) w.
template <typename Mul>
HESPLIT_IFMA inline void gs_butterfly(__m512i& x, __m512i& y, __m512i w, __m512i ws, __m512i q,
                                      __m512i two_q) {
  const __m512i s = reduce_once(_mm512_add_epi64(x, y), two_q);
  const __m512i d = _mm512_add_epi64(_mm512_sub_epi64(x, y), two_q);
  x = s;
  y = Mul::mul(d, w, ws, q);
}

// One stage with butterfly distance t < 8 over the whole array (m = n / 2t root indices).
template <bool Forward, typename Mul>
HESPLIT_IFMA void small_stage(std::uint64_t* a, std::size_t n, std::size_t t,
                              const std::uint64_t* w, const std::uint64_t* ws, __m512i q,
                              __m512i two_q) {
  const std::size_t m = n / (2 * t);
  const Shuffle sh = shuffle_for(t);
  const std::size_t groups_per_pair = 8 / t;  // butterfly groups in 16 words
  for (std::size_t k = 0; k < n; k += 16) {
    const __m512i va = _mm512_loadu_si512(a + k);
    const __m512i vb = _mm512_loadu_si512(a + k + 8);
    __m512i x = _mm512_permutex2var_epi64(va, sh.x, vb);
    __m512i y = _mm512_permutex2var_epi64(va, sh.y, vb);
    const std::size_t g = m + (k / 16) * groups_per_pair;
    const __m512i wv = _mm512_permutexvar_epi64(sh.w, _mm512_loadu_si512(w + g));
    const __m512i wsv =
        _mm512_srli_epi64(_mm512_permutexvar_epi64(sh.w, _mm512_loadu_si512(ws + g)), Mul::kShift);
    if constexpr (Forward) {
      ct_butterfly<Mul>(x, y, wv, wsv, q, two_q);
    } else {
      gs_butterfly<Mul>(x, y, wv, wsv, q, two_q);
    }
    _mm512_storeu_si512(a + k, _mm512_permutex2var_epi64(x, sh.lo, y));
    _mm512_storeu_si512(a + k + 8, _mm512_permutex2var_epi64(x, sh.hi, y));
  }
}

// One stage with butterfly distance t >= 8 (m root indices).
template <bool Forward, typename Mul>
HESPLIT_IFMA void wide_stage(std::uint64_t* a, std::size_t m, std::size_t t, const std::uint64_t* w,
                             const std::uint64_t* ws, __m512i q, __m512i two_q) {
  for (std::size_t i = 0; i < m; ++i) {
    const __m512i wv = _mm512_set1_epi64(static_cast<long long>(w[m + i]));
    const __m512i wsv = _mm512_set1_epi64(static_cast<long long>(ws[m + i] >> Mul::kShift));
    std::uint64_t* x = a + 2 * i * t;
    std::uint64_t* y = x + t;
    for (std::size_t j = 0; j < t; j += 8) {
      __m512i vx = _mm512_loadu_si512(x + j);
      __m512i vy = _mm512_loadu_si512(y + j);
      if constexpr (Forward) {
        ct_butterfly<Mul>(vx, vy, wv, wsv, q, two_q);
      } else {
        gs_butterfly<Mul>(vx, vy, wv, wsv, q, two_q);
      }
      _mm512_storeu_si512(x + j, vx);
      _mm512_storeu_si512(y + j, vy);
    }
  }
}

template <typename Mul>
HESPLIT_IFMA void forward_ifma(std::uint64_t* a, const NttTables& tables) {
  const std::uint64_t qs = tables.modulus().value();
  const __m512i q = _mm512_set1_epi64(static_cast<long long>(qs));
  const __m512i two_q = _mm512_set1_epi64(static_cast<long long>(2 * qs));
  const std::size_t n = tables.degree();
  const std::uint64_t* w = tables.root_powers().data();
  const std::uint64_t* ws = tables.root_powers_shoup().data();
  std::size_t t = n;
  for (std::size_t m = 1; m < n; m <<= 1) {
    t >>= 1;
    if (t >= 8) {
      wide_stage<true, Mul>(a, m, t, w, ws, q, two_q);
    } else {
      small_stage<true, Mul>(a, n, t, w, ws, q, two_q);
    }
  }
  for (std::size_t j = 0; j < n; j += 8) {
    const __m512i v = reduce_once(reduce_once(_mm512_loadu_si512(a + j), two_q), q);
    _mm512_storeu_si512(a + j, v);
  }
}

template <typename Mul>
HESPLIT_IFMA void inverse_ifma(std::uint64_t* a, const NttTables& tables) {
  const std::uint64_t qs = tables.modulus().value();
  const __m512i q = _mm512_set1_epi64(static_cast<long long>(qs));
  const __m512i two_q = _mm512_set1_epi64(static_cast<long long>(2 * qs));
  const std::size_t n = tables.degree();
  const std::uint64_t* w = tables.inv_root_powers().data();
  const std::uint64_t* ws = tables.inv_root_powers_shoup().data();
  std::size_t t = 1;
  for (std::size_t m = n >> 1; m > 1; m >>= 1) {
    if (t >= 8) {
      wide_stage<false, Mul>(a, m, t, w, ws, q, two_q);
    } else {
      small_stage<false, Mul>(a, n, t, w, ws, q, two_q);
    }
    t <<= 1;
  }
  // Last stage fused with the scaling by N^-1, as in the scalar kernel.
  const std::uint64_t ninv = tables.inv_degree();
  const std::uint64_t wn = mul_mod(w[1], ninv, tables.modulus());
  const __m512i ninv_v = _mm512_set1_epi64(static_cast<long long>(ninv));
  const __m512i ninv_s =
      _mm512_set1_epi64(static_cast<long long>(tables.inv_degree_shoup() >> Mul::kShift));
  const __m512i wn_v = _mm512_set1_epi64(static_cast<long long>(wn));
  const __m512i wn_s =
      _mm512_set1_epi64(static_cast<long long>(shoup_precompute(wn, qs) >> Mul::kShift));
  const std::size_t half = n >> 1;
  for (std::size_t j = 0; j < half; j += 8) {
    const __m512i u = _mm512_loadu_si512(a + j);
    const __m512i v = _mm512_loadu_si512(a + j + half);
    const __m512i s = reduce_once(_mm512_add_epi64(u, v), two_q);
    const __m512i d = _mm512_add_epi64(_mm512_sub_epi64(u, v), two_q);
    _mm512_storeu_si512(a + j, reduce_once(Mul::mul(s, ninv_v, ninv_s, q), q));
    _mm512_storeu_si512(a + j + half, reduce_once(Mul::mul(d, wn_v, wn_s, q), q));
  }
}

}  // namespace

bool cpu_has_avx512_ifma() noexcept {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512ifma");
}

bool ifma_kernel_supports(std::size_t degree, const Modulus& modulus) noexcept {
  return degree >= 16 && modulus.value() < (std::uint64_t{1} << 50);
}

bool ifma_wide_kernel_supports(std::size_t degree, const Modulus& modulus) noexcept {
  return degree >= 16 && modulus.value() < (std::uint64_t{1} << 60);
}

NttKernel ifma_ntt_kernel() noexcept {
  return {"avx512ifma", &forward_ifma<Narrow>, &inverse_ifma<Narrow>};
}

NttKernel ifma_wide_ntt_kernel() noexcept {
  return {"avx512ifma-wide", &forward_ifma<Wide>, &inverse_ifma<Wide>};
}

}  // namespace hesplit::ckks
