#pragma once
// AVX-512 modular arithmetic shared by the vector kernels (issue 6). Every function carries the
// target attribute, so this header may be included anywhere, but the functions may only run after
// cpu_has_avx512_ifma() (ntt_ifma.hpp) returned true. All results are exact (bit-identical to the
// scalar functions of modulus.hpp).

#include <immintrin.h>

// GCC 12 reports the intrinsics' internal _mm512_undefined_epi32() as maybe-uninitialized (a
// known false positive); nothing here reads an undefined value.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#define HESPLIT_AVX512 __attribute__((target("avx512f,avx512vl,avx512dq,avx512ifma")))

namespace hesplit::ckks::simd {

// Shoup product for q < 2^50: y < 2^52, w < q, w52 = floor(w 2^52 / q) (the 64-bit Shoup
// constant >> 12). Returns y w mod q in [0, 2q).
HESPLIT_AVX512 inline __m512i mul_shoup52(__m512i y, __m512i w, __m512i w52, __m512i q) {
  const __m512i zero = _mm512_setzero_si512();
  const __m512i mask = _mm512_set1_epi64((1LL << 52) - 1);
  const __m512i qhat = _mm512_madd52hi_epu64(zero, y, w52);
  const __m512i lo = _mm512_madd52lo_epu64(zero, y, w);
  const __m512i sub = _mm512_madd52lo_epu64(zero, qhat, q);
  return _mm512_and_si512(_mm512_sub_epi64(lo, sub), mask);
}

// Shoup product for q < 2^60, exact: y < 2^62, w < q, w62 = floor(w 2^62 / q) (the 64-bit
// constant >> 2). With w62 = w1 2^52 + w0 and y = y1 2^52 + y0,
//   floor(y w62 / 2^62) = (y1 w1 << 42) + ((y1 w0 + y0 w1 + floor(y0 w0 / 2^52)) >> 10):
// the dropped fraction of y0 w0 / 2^52 never carries across a multiple of 2^10, and the inner
// sum stays below 2^64. Returns y w mod q in [0, 2q).
HESPLIT_AVX512 inline __m512i mul_shoup62(__m512i y, __m512i w, __m512i w62, __m512i q) {
  const __m512i zero = _mm512_setzero_si512();
  const __m512i mask = _mm512_set1_epi64((1LL << 52) - 1);
  const __m512i y0 = _mm512_and_si512(y, mask);
  const __m512i y1 = _mm512_srli_epi64(y, 52);
  const __m512i w0 = _mm512_and_si512(w62, mask);
  const __m512i w1 = _mm512_srli_epi64(w62, 52);
  const __m512i inner =
      _mm512_add_epi64(_mm512_add_epi64(_mm512_mullo_epi64(y1, w0), _mm512_mullo_epi64(y0, w1)),
                       _mm512_madd52hi_epu64(zero, y0, w0));
  const __m512i qhat = _mm512_add_epi64(_mm512_slli_epi64(_mm512_mullo_epi64(y1, w1), 42),
                                        _mm512_srli_epi64(inner, 10));
  return _mm512_sub_epi64(_mm512_mullo_epi64(y, w), _mm512_mullo_epi64(qhat, q));
}

// x - m if x >= m, else x (unsigned): the wrapped difference is larger than x.
HESPLIT_AVX512 inline __m512i reduce_once(__m512i x, __m512i m) {
  return _mm512_min_epu64(x, _mm512_sub_epi64(x, m));
}

// The two Shoup multipliers as policies: the shift that turns the 64-bit Shoup constant into
// theirs, and the product.
struct Narrow {
  static constexpr int kShift = 12;
  HESPLIT_AVX512 static __m512i mul(__m512i y, __m512i w, __m512i ws, __m512i q) {
    return mul_shoup52(y, w, ws, q);
  }
};
struct Wide {
  static constexpr int kShift = 2;
  HESPLIT_AVX512 static __m512i mul(__m512i y, __m512i w, __m512i ws, __m512i q) {
    return mul_shoup62(y, w, ws, q);
  }
};

}  // namespace hesplit::ckks::simd

#pragma GCC diagnostic pop
