#pragma once
// AVX2 64-bit integer modular arithmetic (issue 21), for primes up to 60 bits where doubles
// cannot hold residues exactly: Shoup products assembled from 32-bit vpmuludq partial products,
// and conditional subtractions through AVX2's signed compares (so values stay below 2^63). Every
// function carries the target attribute; run them only where cpu_has_avx2_fma() is true.

#include <immintrin.h>

#include <cstdint>

#define HESPLIT_AVX2_INT __attribute__((target("avx2")))

namespace hesplit::ckks::simd::u64 {

// A fixed multiplier w with its Shoup constant w' = floor(w 2^64 / q), and their high halves
// (vpmuludq reads the low 32 bits of each lane, so w itself serves as its low half).
struct ShoupRoot {
  __m256i w, w_hi, ws, ws_hi;
};

struct Constants {
  std::uint64_t value;
  __m256i q, q_hi, q_minus_1, two_q, two_q_minus_1, four_q, four_q_minus_1;
  HESPLIT_AVX2_INT explicit Constants(std::uint64_t qs)
      : value(qs),
        q(_mm256_set1_epi64x(static_cast<long long>(qs))),
        q_hi(_mm256_set1_epi64x(static_cast<long long>(qs >> 32))),
        q_minus_1(_mm256_set1_epi64x(static_cast<long long>(qs - 1))),
        two_q(_mm256_set1_epi64x(static_cast<long long>(2 * qs))),
        two_q_minus_1(_mm256_set1_epi64x(static_cast<long long>(2 * qs - 1))),
        four_q(_mm256_set1_epi64x(static_cast<long long>(4 * qs))),
        four_q_minus_1(_mm256_set1_epi64x(static_cast<long long>(4 * qs - 1))) {}
};

HESPLIT_AVX2_INT inline ShoupRoot broadcast_root(std::uint64_t w, std::uint64_t ws) {
  return {_mm256_set1_epi64x(static_cast<long long>(w)),
          _mm256_set1_epi64x(static_cast<long long>(w >> 32)),
          _mm256_set1_epi64x(static_cast<long long>(ws)),
          _mm256_set1_epi64x(static_cast<long long>(ws >> 32))};
}

HESPLIT_AVX2_INT inline ShoupRoot lane_roots(__m256i w, __m256i ws) {
  return {w, _mm256_srli_epi64(w, 32), ws, _mm256_srli_epi64(ws, 32)};
}

// The low 64 bits of a b, from a's and b's 32-bit halves.
HESPLIT_AVX2_INT inline __m256i mul_lo64(__m256i a, __m256i a_hi, __m256i b, __m256i b_hi) {
  const __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(a, b_hi), _mm256_mul_epu32(a_hi, b));
  return _mm256_add_epi64(_mm256_mul_epu32(a, b), _mm256_slli_epi64(cross, 32));
}

// y w mod q in [0, 4q) for any word y: y w - Q q with Q = hh + (lh >> 32) + (hl >> 32) from the
// partial products of y w' (w' the Shoup constant). The true floor(y w' / 2^64) adds the carry of
// lo32(lh) + lo32(hl) + (ll >> 32) < 3 2^32, at most 2, so the result is at most 2q above Shoup's
// [0, 2q).
HESPLIT_AVX2_INT inline __m256i mul_shoup(__m256i y, const ShoupRoot& r, const Constants& c) {
  const __m256i y_hi = _mm256_srli_epi64(y, 32);
  const __m256i lh = _mm256_mul_epu32(y, r.ws_hi);
  const __m256i hl = _mm256_mul_epu32(y_hi, r.ws);
  const __m256i hh = _mm256_mul_epu32(y_hi, r.ws_hi);
  const __m256i quotient =
      _mm256_add_epi64(hh, _mm256_add_epi64(_mm256_srli_epi64(lh, 32), _mm256_srli_epi64(hl, 32)));
  const __m256i yw = mul_lo64(y, y_hi, r.w, r.w_hi);
  const __m256i qq = mul_lo64(quotient, _mm256_srli_epi64(quotient, 32), c.q, c.q_hi);
  return _mm256_sub_epi64(yw, qq);
}

// x - m where x > m_minus_1, for x, m < 2^63 (AVX2 compares are signed).
HESPLIT_AVX2_INT inline __m256i reduce_once(__m256i x, __m256i m, __m256i m_minus_1) {
  return _mm256_sub_epi64(x, _mm256_and_si256(_mm256_cmpgt_epi64(x, m_minus_1), m));
}

// [0, 4q) -> [0, q).
HESPLIT_AVX2_INT inline __m256i reduce_from_4q(__m256i x, const Constants& c) {
  return reduce_once(reduce_once(x, c.two_q, c.two_q_minus_1), c.q, c.q_minus_1);
}

}  // namespace hesplit::ckks::simd::u64
