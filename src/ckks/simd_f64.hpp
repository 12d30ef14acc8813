#pragma once
// AVX2 + FMA modular arithmetic in double precision (issue 21), for primes q < 2^50. Integers
// below 2^53 are exact doubles, and an FMA gives the exact low part of a product (TwoProduct:
// h = a b rounded, l = fma(a, b, -h), a b = h + l), so a b - c q is computed exactly once the
// quotient estimate c is known to make it small. The estimate comes from one FMA that rounds
// y * (w / q) to the nearest integer by adding 1.5 * 2^52 (the rounding is the FPU's own). Values
// are signed ("balanced") so no conditional corrections are needed inside the loops.
// Every function carries the target attribute, so this header may be included anywhere, but the
// functions may only run once cpu_has_avx2_fma() (kernel_path.hpp) returned true.

#include <immintrin.h>

#include <cstdint>

#define HESPLIT_AVX2 __attribute__((target("avx2,fma")))

namespace hesplit::ckks::simd::f64 {

// 1.5 * 2^52: adding it rounds any |x| < 2^51 to an integer (the ulp at 2^52 is 1).
inline constexpr double kRound = 6755399441055744.0;
// 2^52, and its bit pattern: OR-ing a word below 2^52 into it gives the double 2^52 + word.
inline constexpr double kTwo52 = 4503599627370496.0;
inline constexpr std::int64_t kTwo52Bits = 0x4330000000000000LL;

// The constants of one modulus, broadcast.
struct Mod {
  double value;
  __m256d q, q_inv, round;
  HESPLIT_AVX2 explicit Mod(std::uint64_t qs)
      : value(static_cast<double>(qs)),
        q(_mm256_set1_pd(static_cast<double>(qs))),
        q_inv(_mm256_set1_pd(1.0 / static_cast<double>(qs))),
        round(_mm256_set1_pd(kRound)) {}
};

// Words below 2^52 as doubles, minus `offset` (2^52 + the shift wanted, a double; exact when the
// result is below 2^53 in magnitude).
HESPLIT_AVX2 inline __m256d to_f64(__m256i v, __m256d offset) {
  const __m256d biased = _mm256_castsi256_pd(_mm256_or_si256(v, _mm256_set1_epi64x(kTwo52Bits)));
  return _mm256_sub_pd(biased, offset);
}
HESPLIT_AVX2 inline __m256d load_f64(const std::uint64_t* p) {
  return to_f64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), _mm256_set1_pd(kTwo52));
}

// Integral doubles in [0, 2^52) as words.
HESPLIT_AVX2 inline __m256i to_u64(__m256d r) {
  const __m256i biased = _mm256_castpd_si256(_mm256_add_pd(r, _mm256_set1_pd(kTwo52)));
  return _mm256_xor_si256(biased, _mm256_set1_epi64x(kTwo52Bits));
}
HESPLIT_AVX2 inline void store_u64(std::uint64_t* p, __m256d r) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), to_u64(r));
}

// y w - c q for the integer c nearest y (w / q); exact. Needs |y| < 2^52 and a balanced root
// |w| <= (q - 1) / 2 with wq = w / q rounded, so |y wq| < 2^51. The estimate is off by at most
// |y w / q| 2^-53 < 1/4, so |result| < 3q/4; the product's low part is below 2^49, so
// h - c q = result - l is exact too.
HESPLIT_AVX2 inline __m256d mul_root(__m256d y, __m256d w, __m256d wq, const Mod& m) {
  const __m256d c = _mm256_sub_pd(_mm256_fmadd_pd(y, wq, m.round), m.round);
  const __m256d h = _mm256_mul_pd(y, w);
  const __m256d l = _mm256_fmsub_pd(y, w, h);
  return _mm256_add_pd(_mm256_fnmadd_pd(c, m.q, h), l);
}

// a b mod q in (-3q/4, 3q/4), exact, for |a b / q| < 2^50 (e.g. a, b in [0, q)): the quotient
// estimate a b (1 / q) is off by at most |a b / q| 2^-52 < 1/4.
HESPLIT_AVX2 inline __m256d mul(__m256d a, __m256d b, const Mod& m) {
  const __m256d h = _mm256_mul_pd(a, b);
  const __m256d l = _mm256_fmsub_pd(a, b, h);
  const __m256d c = _mm256_sub_pd(_mm256_fmadd_pd(h, m.q_inv, m.round), m.round);
  return _mm256_add_pd(_mm256_fnmadd_pd(c, m.q, h), l);
}

// x - c q for the integer c nearest x / q: |result| <= (q + 1) / 2 for any integral |x| < 2^53
// (x / q is then below 2^51, and its estimate is off by far less than 1/2 + 1/2).
HESPLIT_AVX2 inline __m256d reduce(__m256d x, const Mod& m) {
  const __m256d c = _mm256_sub_pd(_mm256_fmadd_pd(x, m.q_inv, m.round), m.round);
  return _mm256_fnmadd_pd(c, m.q, x);
}

// r + q where r < 0 (a compare, not the sign bit: -0.0 must stay 0): (-q, q) -> [0, q).
HESPLIT_AVX2 inline __m256d lift_negative(__m256d r, const Mod& m) {
  const __m256d negative = _mm256_cmp_pd(r, _mm256_setzero_pd(), _CMP_LT_OQ);
  return _mm256_add_pd(r, _mm256_and_pd(negative, m.q));
}

// Any integral |x| < 2^53 to its canonical residue in [0, q).
HESPLIT_AVX2 inline __m256d canonical(__m256d x, const Mod& m) {
  return lift_negative(reduce(x, m), m);
}

}  // namespace hesplit::ckks::simd::f64
