#include "ckks/ntt_avx2.hpp"

#include "ckks/simd_f64.hpp"

namespace hesplit::ckks {
namespace {

using simd::f64::Mod;

// Values are bounded by |v| <= B, B tracked per stage from q: a butterfly input may reach 2^52
// (mul_root's limit), and since mul_root returns |r| < q a Cooley-Tukey stage adds at most q to
// B; a Gentleman-Sande stage doubles it. A stage reduces its x inputs (CT) or sums (GS) to
// |v| <= (q + 1) / 2 only when the next stage would otherwise pass the limit: for 40-bit primes
// almost never, for 50-bit ones every third (CT) or second (GS) stage.
constexpr double kLimit = 4503599627370496.0;  // 2^52

template <bool Reduce>
HESPLIT_AVX2 inline __m256d reduce_if(__m256d x, const Mod& m) {
  if constexpr (Reduce) return simd::f64::reduce(x, m);
  return x;
}

// Cooley-Tukey: x' = x + y w, y' = x - y w.
template <bool ReduceX>
HESPLIT_AVX2 inline void ct(__m256d& x, __m256d& y, __m256d w, __m256d wq, const Mod& m) {
  const __m256d u = reduce_if<ReduceX>(x, m);
  const __m256d r = simd::f64::mul_root(y, w, wq, m);
  x = _mm256_add_pd(u, r);
  y = _mm256_sub_pd(u, r);
}

// Gentleman-Sande: x' = x + y, y' = (x - y) w.
template <bool ReduceSum>
HESPLIT_AVX2 inline void gs(__m256d& x, __m256d& y, __m256d w, __m256d wq, const Mod& m) {
  const __m256d d = _mm256_sub_pd(x, y);
  x = reduce_if<ReduceSum>(_mm256_add_pd(x, y), m);
  y = simd::f64::mul_root(d, w, wq, m);
}

// [r0 r0 r1 r1] for the two roots at p (the stage with t = 2 covers 8 words with 2 roots).
HESPLIT_AVX2 inline __m256d pair_roots(const double* p) {
  return _mm256_permute4x64_pd(_mm256_castpd128_pd256(_mm_loadu_pd(p)), 0x50);
}

struct Roots {
  const double* w;
  const double* wq;
};

// One stage with butterfly distance t >= 4 over m groups, on doubles. The first forward stage
// reads the words instead (FromWords), turning x in [0, 4q) into x - 2q.
template <bool Forward, bool FromWords, bool Reduce>
HESPLIT_AVX2 void wide_stage(double* a, std::size_t m, std::size_t t, Roots roots, const Mod& mod) {
  const __m256d offset = _mm256_set1_pd(simd::f64::kTwo52 + 2 * mod.value);
  for (std::size_t i = 0; i < m; ++i) {
    const __m256d w = _mm256_set1_pd(roots.w[m + i]);
    const __m256d wq = _mm256_set1_pd(roots.wq[m + i]);
    double* x = a + 2 * i * t;
    double* y = x + t;
    for (std::size_t j = 0; j < t; j += 4) {
      __m256d vx, vy;
      if constexpr (FromWords) {
        vx = simd::f64::to_f64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + j)), offset);
        vy = simd::f64::to_f64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(y + j)), offset);
      } else {
        vx = _mm256_loadu_pd(x + j);
        vy = _mm256_loadu_pd(y + j);
      }
      if constexpr (Forward) {
        ct<Reduce>(vx, vy, w, wq, mod);
      } else {
        gs<Reduce>(vx, vy, w, wq, mod);
      }
      _mm256_storeu_pd(x + j, vx);
      _mm256_storeu_pd(y + j, vy);
    }
  }
}

// The forward stages t = 2 and t = 1 on blocks of 8 values in registers, then the canonical
// residues are stored as words.
template <bool Reduce2, bool Reduce1>
HESPLIT_AVX2 void forward_last_pass(double* a, std::size_t n, Roots roots, const Mod& mod) {
  const std::size_t m2 = n / 4;
  const std::size_t m1 = n / 2;
  for (std::size_t k = 0; k < n; k += 8) {
    const __m256d v0 = _mm256_loadu_pd(a + k);
    const __m256d v1 = _mm256_loadu_pd(a + k + 4);
    __m256d x = _mm256_permute2f128_pd(v0, v1, 0x20);  // a0 a1 a4 a5
    __m256d y = _mm256_permute2f128_pd(v0, v1, 0x31);  // a2 a3 a6 a7
    ct<Reduce2>(x, y, pair_roots(roots.w + m2 + k / 4), pair_roots(roots.wq + m2 + k / 4), mod);
    __m256d x1 = _mm256_unpacklo_pd(x, y);  // a0 a2 a4 a6
    __m256d y1 = _mm256_unpackhi_pd(x, y);  // a1 a3 a5 a7
    ct<Reduce1>(x1, y1, _mm256_loadu_pd(roots.w + m1 + k / 2),
                _mm256_loadu_pd(roots.wq + m1 + k / 2), mod);
    x1 = simd::f64::canonical(x1, mod);
    y1 = simd::f64::canonical(y1, mod);
    const __m256d lo = _mm256_unpacklo_pd(x1, y1);  // a0 a1 a4 a5
    const __m256d hi = _mm256_unpackhi_pd(x1, y1);  // a2 a3 a6 a7
    auto* out = reinterpret_cast<std::uint64_t*>(a + k);
    simd::f64::store_u64(out, _mm256_permute2f128_pd(lo, hi, 0x20));
    simd::f64::store_u64(out + 4, _mm256_permute2f128_pd(lo, hi, 0x31));
  }
}

// The inverse stages t = 1 and t = 2 on blocks of 8 words in [0, 2q), turned into x - q.
template <bool Reduce1, bool Reduce2>
HESPLIT_AVX2 void inverse_first_pass(double* a, std::size_t n, Roots roots, const Mod& mod) {
  const std::size_t m1 = n / 2;
  const std::size_t m2 = n / 4;
  const __m256d offset = _mm256_set1_pd(simd::f64::kTwo52 + mod.value);
  for (std::size_t k = 0; k < n; k += 8) {
    const auto* in = reinterpret_cast<const __m256i*>(a + k);
    const __m256d v0 = simd::f64::to_f64(_mm256_loadu_si256(in), offset);
    const __m256d v1 = simd::f64::to_f64(_mm256_loadu_si256(in + 1), offset);
    const __m256d lo = _mm256_permute2f128_pd(v0, v1, 0x20);  // a0 a1 a4 a5
    const __m256d hi = _mm256_permute2f128_pd(v0, v1, 0x31);  // a2 a3 a6 a7
    __m256d x = _mm256_unpacklo_pd(lo, hi);                   // a0 a2 a4 a6
    __m256d y = _mm256_unpackhi_pd(lo, hi);                   // a1 a3 a5 a7
    gs<Reduce1>(x, y, _mm256_loadu_pd(roots.w + m1 + k / 2), _mm256_loadu_pd(roots.wq + m1 + k / 2),
                mod);
    __m256d x2 = _mm256_unpacklo_pd(x, y);  // a0 a1 a4 a5
    __m256d y2 = _mm256_unpackhi_pd(x, y);  // a2 a3 a6 a7
    gs<Reduce2>(x2, y2, pair_roots(roots.w + m2 + k / 4), pair_roots(roots.wq + m2 + k / 4), mod);
    _mm256_storeu_pd(a + k, _mm256_permute2f128_pd(x2, y2, 0x20));
    _mm256_storeu_pd(a + k + 4, _mm256_permute2f128_pd(x2, y2, 0x31));
  }
}

// The last inverse stage (m = 1) fused with the scaling by N^-1: x' = (x + y) / N,
// y' = (x - y) w / N, stored as canonical words.
HESPLIT_AVX2 void inverse_last_pass(double* a, std::size_t n, const NttTables& tables,
                                    const Mod& mod) {
  const Modulus& modulus = tables.modulus();
  const std::uint64_t q = modulus.value();
  const std::uint64_t ninv = tables.inv_degree();
  const std::uint64_t wn = mul_mod(tables.inv_root_powers()[1], ninv, modulus);
  const auto balanced = [q](std::uint64_t v) {
    return v > q / 2 ? -static_cast<double>(q - v) : static_cast<double>(v);
  };
  const double qd = static_cast<double>(q);
  const __m256d ninv_v = _mm256_set1_pd(balanced(ninv));
  const __m256d ninv_q = _mm256_set1_pd(balanced(ninv) / qd);
  const __m256d wn_v = _mm256_set1_pd(balanced(wn));
  const __m256d wn_q = _mm256_set1_pd(balanced(wn) / qd);
  const std::size_t half = n / 2;
  for (std::size_t j = 0; j < half; j += 4) {
    const __m256d u = _mm256_loadu_pd(a + j);
    const __m256d v = _mm256_loadu_pd(a + j + half);
    const __m256d s = simd::f64::mul_root(_mm256_add_pd(u, v), ninv_v, ninv_q, mod);
    const __m256d d = simd::f64::mul_root(_mm256_sub_pd(u, v), wn_v, wn_q, mod);
    simd::f64::store_u64(reinterpret_cast<std::uint64_t*>(a + j), simd::f64::lift_negative(s, mod));
    simd::f64::store_u64(reinterpret_cast<std::uint64_t*>(a + j + half),
                         simd::f64::lift_negative(d, mod));
  }
}

// Runtime reduction flags to the template instances.
template <bool Forward, bool FromWords>
HESPLIT_AVX2 void run_stage(double* a, std::size_t m, std::size_t t, Roots roots, bool reduce,
                            const Mod& mod) {
  if (reduce) {
    wide_stage<Forward, FromWords, true>(a, m, t, roots, mod);
  } else {
    wide_stage<Forward, FromWords, false>(a, m, t, roots, mod);
  }
}

// F: a template of two reduction flags, called as F::template run<R1, R2>(args...).
template <typename F, typename... Args>
HESPLIT_AVX2 void with_flags(bool r1, bool r2, Args&&... args) {
  if (r1 && r2) return F::template run<true, true>(args...);
  if (r1) return F::template run<true, false>(args...);
  if (r2) return F::template run<false, true>(args...);
  F::template run<false, false>(args...);
}

struct ForwardLast {
  template <bool R2, bool R1>
  HESPLIT_AVX2 static void run(double* a, std::size_t n, Roots roots, const Mod& mod) {
    forward_last_pass<R2, R1>(a, n, roots, mod);
  }
};

struct InverseFirst {
  template <bool R1, bool R2>
  HESPLIT_AVX2 static void run(double* a, std::size_t n, Roots roots, const Mod& mod) {
    inverse_first_pass<R1, R2>(a, n, roots, mod);
  }
};

// Cooley-Tukey bound step: whether this stage reduces, and the bound after it.
bool ct_reduces(double& bound, double q) {
  const bool reduce = bound + q >= kLimit;
  bound = (reduce ? (q + 1) / 2 : bound) + q;
  return reduce;
}

// Gentleman-Sande bound step: reduce the sums when the next stage's difference could reach 2^52.
bool gs_reduces(double& bound, double q) {
  const bool reduce = 4 * bound >= kLimit;
  bound = reduce ? q : 2 * bound;
  return reduce;
}

HESPLIT_AVX2 void forward_avx2(std::uint64_t* words, const NttTables& tables) {
  const std::size_t n = tables.degree();
  const double q = static_cast<double>(tables.modulus().value());
  const Mod mod(tables.modulus().value());
  const Roots roots{tables.root_powers_f64().data(), tables.root_quotients_f64().data()};
  // The words are reused as doubles in place (the intrinsics' loads and stores may alias).
  auto* a = reinterpret_cast<double*>(words);
  double bound = 2 * q;  // inputs in [0, 4q), shifted by -2q
  run_stage<true, true>(a, 1, n / 2, roots, ct_reduces(bound, q), mod);
  for (std::size_t m = 2, t = n / 4; t >= 4; m <<= 1, t >>= 1) {
    run_stage<true, false>(a, m, t, roots, ct_reduces(bound, q), mod);
  }
  const bool reduce2 = ct_reduces(bound, q);
  const bool reduce1 = ct_reduces(bound, q);
  with_flags<ForwardLast>(reduce2, reduce1, a, n, roots, mod);
}

HESPLIT_AVX2 void inverse_avx2(std::uint64_t* words, const NttTables& tables) {
  const std::size_t n = tables.degree();
  const double q = static_cast<double>(tables.modulus().value());
  const Mod mod(tables.modulus().value());
  const Roots roots{tables.inv_root_powers_f64().data(), tables.inv_root_quotients_f64().data()};
  auto* a = reinterpret_cast<double*>(words);
  double bound = q;  // inputs in [0, 2q), shifted by -q
  const bool reduce1 = gs_reduces(bound, q);
  const bool reduce2 = gs_reduces(bound, q);
  with_flags<InverseFirst>(reduce1, reduce2, a, n, roots, mod);
  for (std::size_t m = n / 8, t = 4; m >= 2; m >>= 1, t <<= 1) {
    run_stage<false, false>(a, m, t, roots, gs_reduces(bound, q), mod);
  }
  inverse_last_pass(a, n, tables, mod);
}

}  // namespace

bool avx2_kernel_supports(std::size_t degree, const Modulus& modulus) noexcept {
  return degree >= 16 && modulus.value() < (std::uint64_t{1} << 50);
}

NttKernel avx2_ntt_kernel() noexcept { return {"avx2", &forward_avx2, &inverse_avx2, true}; }

}  // namespace hesplit::ckks
