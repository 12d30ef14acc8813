// AVX2 + FMA versions of the element-wise loops of key switching, rescale and multiplication
// (issue 21). Modular products use double precision (simd_f64.hpp) for q < 2^50; ModDown, the
// lift and the rescale loops also have 64-bit integer forms (simd_u64.hpp) for primes up to 60
// bits. Additions stay in 64-bit integers. Results are canonical, hence bit-identical to the
// scalar loops (and to the IFMA kernels).
#include "ckks/modulus.hpp"
#include "ckks/simd_f64.hpp"
#include "ckks/simd_kernels.hpp"
#include "ckks/simd_u64.hpp"

namespace hesplit::ckks::simd {
namespace {

namespace f = simd::f64;

constexpr std::uint64_t kBit50 = std::uint64_t{1} << 50;
constexpr std::uint64_t kBit60 = std::uint64_t{1} << 60;
constexpr std::uint64_t kBit62 = std::uint64_t{1} << 62;

HESPLIT_AVX2 inline __m256i load(const std::uint64_t* p) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}
HESPLIT_AVX2 inline void store(std::uint64_t* p, __m256i v) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v);
}
HESPLIT_AVX2 inline __m256i set1(std::uint64_t v) {
  return _mm256_set1_epi64x(static_cast<long long>(v));
}

// A fixed multiplier w < q as the balanced double and its quotient w / q (see f64::mul_root).
struct Root {
  __m256d w, wq;
  HESPLIT_AVX2 Root(std::uint64_t ws, std::uint64_t q) {
    const double b = ws > q / 2 ? -static_cast<double>(q - ws) : static_cast<double>(ws);
    w = _mm256_set1_pd(b);
    wq = _mm256_set1_pd(b / static_cast<double>(q));
  }
};

// x mod q for any x < 2^62 and q < 2^50: x = hi 2^32 + lo with hi < 2^30, so
// x = hi (2^32 mod q) + lo, one exact product and a canonical reduction (Small: x < 2^52, no
// split needed).
struct WordReducer {
  f::Mod mod;
  Root two32;
  HESPLIT_AVX2 explicit WordReducer(std::uint64_t q)
      : mod(q), two32((std::uint64_t{1} << 32) % q, q) {}
  // Words below 2^52 are exact doubles already: one canonical reduction.
  template <bool Small>
  HESPLIT_AVX2 __m256d reduce(__m256i x) const {
    const __m256d offset = _mm256_set1_pd(f::kTwo52);
    if constexpr (Small) return f::canonical(f::to_f64(x, offset), mod);
    const __m256d hi = f::to_f64(_mm256_srli_epi64(x, 32), offset);
    const __m256d lo = f::to_f64(_mm256_and_si256(x, set1(0xFFFFFFFFULL)), offset);
    return f::canonical(_mm256_add_pd(f::mul_root(hi, two32.w, two32.wq, mod), lo), mod);
  }
};

// Words a + b for a, b < q < 2^62, reduced (signed compares are exact below 2^63).
HESPLIT_AVX2 inline __m256i add_words(__m256i a, __m256i b, __m256i q, __m256i q_minus_1) {
  const __m256i s = _mm256_add_epi64(a, b);
  return _mm256_sub_epi64(s, _mm256_and_si256(_mm256_cmpgt_epi64(s, q_minus_1), q));
}

template <bool SmallInput>
HESPLIT_AVX2 void lift_kernel(const std::uint64_t* in, std::uint64_t* out, std::size_t n,
                              std::uint64_t q, std::uint64_t t, std::uint64_t q_mod_t) {
  const WordReducer reducer(t);
  const __m256i half = set1(q >> 1);
  const __m256d q_mod_t_v = _mm256_set1_pd(static_cast<double>(q_mod_t));
  std::size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    const __m256i x = load(in + k);
    const __m256d xm = reducer.reduce<SmallInput>(x);
    const __m256d neg = f::lift_negative(_mm256_sub_pd(xm, q_mod_t_v), reducer.mod);
    const __m256d negative = _mm256_castsi256_pd(_mm256_cmpgt_epi64(x, half));
    f::store_u64(out + k, _mm256_blendv_pd(xm, neg, negative));
  }
  const Modulus tm(t);
  for (; k < n; ++k) {
    const std::uint64_t xm = reduce_u64(in[k], tm);
    out[k] = in[k] > (q >> 1) ? sub_mod(xm, q_mod_t, t) : xm;
  }
}

// The centred lift when q <= 2t (t of any size below 2^62): x mod t is one conditional
// subtraction, all in integers.
HESPLIT_AVX2 void lift_near_kernel(const std::uint64_t* in, std::uint64_t* out, std::size_t n,
                                   std::uint64_t q, std::uint64_t t, std::uint64_t q_mod_t) {
  const __m256i tv = set1(t), t1 = set1(t - 1), half = set1(q >> 1);
  const __m256i q_mod_t_v = set1(q_mod_t), zero = _mm256_setzero_si256();
  std::size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    const __m256i x = load(in + k);
    const __m256i xm = _mm256_sub_epi64(x, _mm256_and_si256(_mm256_cmpgt_epi64(x, t1), tv));
    const __m256i d = _mm256_sub_epi64(xm, q_mod_t_v);
    const __m256i neg = _mm256_add_epi64(d, _mm256_and_si256(_mm256_cmpgt_epi64(zero, d), tv));
    store(out + k, _mm256_blendv_epi8(xm, neg, _mm256_cmpgt_epi64(x, half)));
  }
  const Modulus tm(t);
  for (; k < n; ++k) {
    const std::uint64_t xm = reduce_u64(in[k], tm);
    out[k] = in[k] > (q >> 1) ? sub_mod(xm, q_mod_t, t) : xm;
  }
}

// ModDown for 2^50 <= q < 2^60: the Shoup product in integers (simd_u64.hpp).
HESPLIT_AVX2_INT void mod_down_wide_kernel(std::uint64_t* out, const std::uint64_t* p,
                                           const std::uint64_t* lift, std::size_t n,
                                           std::uint64_t q, std::uint64_t w,
                                           std::uint64_t w_shoup) {
  const u64::Constants c(q);
  const u64::ShoupRoot root = u64::broadcast_root(w, w_shoup);
  std::size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    const __m256i diff = _mm256_sub_epi64(_mm256_add_epi64(load(p + k), c.q), load(lift + k));
    const __m256i prod = u64::reduce_from_4q(u64::mul_shoup(diff, root, c), c);
    store(out + k, u64::reduce_once(_mm256_add_epi64(load(out + k), prod), c.q, c.q_minus_1));
  }
  for (; k < n; ++k) out[k] = add_mod(out[k], mul_shoup(p[k] + q - lift[k], w, w_shoup, q), q);
}

// Rescale's loops for 2^50 <= q < 2^60 (x mod q as the Shoup product x * 1).
HESPLIT_AVX2_INT void reduce_sub_wide_kernel(const std::uint64_t* in, std::uint64_t* out,
                                             std::uint64_t c, std::size_t n, std::uint64_t q) {
  const u64::Constants cq(q);
  const u64::ShoupRoot one = u64::broadcast_root(1, shoup_precompute(1, q));
  const __m256i q_minus_c = set1(q - c);
  for (std::size_t k = 0; k < n; k += 4) {
    const __m256i x = u64::reduce_from_4q(u64::mul_shoup(load(in + k), one, cq), cq);
    store(out + k, u64::reduce_once(_mm256_add_epi64(x, q_minus_c), cq.q, cq.q_minus_1));
  }
}

HESPLIT_AVX2_INT void mul_difference_wide_kernel(std::uint64_t* out, const std::uint64_t* sub,
                                                 std::size_t n, std::uint64_t q, std::uint64_t w,
                                                 std::uint64_t w_shoup) {
  const u64::Constants c(q);
  const u64::ShoupRoot root = u64::broadcast_root(w, w_shoup);
  for (std::size_t k = 0; k < n; k += 4) {
    const __m256i diff = _mm256_sub_epi64(_mm256_add_epi64(load(out + k), c.q), load(sub + k));
    store(out + k, u64::reduce_from_4q(u64::mul_shoup(diff, root, c), c));
  }
}

HESPLIT_AVX2 void mod_down_kernel(std::uint64_t* out, const std::uint64_t* p,
                                  const std::uint64_t* lift, std::size_t n, std::uint64_t q,
                                  std::uint64_t w, std::uint64_t w_shoup) {
  const f::Mod mod(q);
  const Root root(w, q);
  std::size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    const __m256d diff = _mm256_sub_pd(f::load_f64(p + k), f::load_f64(lift + k));
    const __m256d prod = f::mul_root(diff, root.w, root.wq, mod);
    f::store_u64(out + k, f::canonical(_mm256_add_pd(f::load_f64(out + k), prod), mod));
  }
  for (; k < n; ++k) out[k] = add_mod(out[k], mul_shoup(p[k] + q - lift[k], w, w_shoup, q), q);
}

template <bool Permuted>
HESPLIT_AVX2 void inner_product_kernel(std::size_t count, const std::uint64_t* const* digits,
                                       const std::uint64_t* const* key_b,
                                       const std::uint64_t* const* key_a, const std::uint32_t* perm,
                                       std::uint64_t q, std::uint64_t* out_b, std::uint64_t* out_a,
                                       std::size_t n) {
  const f::Mod mod(q);
  const __m256d offset = _mm256_set1_pd(f::kTwo52);
  for (std::size_t k = 0; k < n; k += 4) {
    // Each product is in (-3q/4, 3q/4): 8 of them sum exactly below 6q < 2^53.
    __m256d sb = _mm256_setzero_pd(), sa = _mm256_setzero_pd();
    __m128i index = _mm_setzero_si128();
    if constexpr (Permuted) index = _mm_loadu_si128(reinterpret_cast<const __m128i*>(perm + k));
    for (std::size_t d = 0; d < count; ++d) {
      __m256i xw;
      if constexpr (Permuted) {
        xw = _mm256_i32gather_epi64(reinterpret_cast<const long long*>(digits[d]), index, 8);
      } else {
        xw = load(digits[d] + k);
      }
      const __m256d x = f::to_f64(xw, offset);
      sb = _mm256_add_pd(sb, f::mul(x, f::load_f64(key_b[d] + k), mod));
      sa = _mm256_add_pd(sa, f::mul(x, f::load_f64(key_a[d] + k), mod));
    }
    f::store_u64(out_b + k, f::canonical(sb, mod));
    f::store_u64(out_a + k, f::canonical(sa, mod));
  }
}

// Sums of up to 4 products x k modulo 2^50 <= q < 2^60, in integers: with 32-bit halves,
// x k = p11 2^64 + (p01 + p10) 2^32 + p00. The columns are summed over the digits without
// overflow (p00 split into its halves, the middle column below 8 2^60), and the value
// H 2^64 + T 2^32 + L is folded with (2^64 mod q) and (2^32 mod q) as Shoup products.
struct WideSum {
  __m256i low, high, mid, top;
};

struct WideFold {
  u64::Constants c;
  u64::ShoupRoot c64, c32;
  HESPLIT_AVX2_INT explicit WideFold(std::uint64_t q) : c(q), c64(), c32() {
    const Modulus m(q);
    const std::uint64_t t32 = (std::uint64_t{1} << 32) % q;
    const std::uint64_t t64 = mul_mod(t32, t32, m);
    c64 = u64::broadcast_root(t64, shoup_precompute(t64, q));
    c32 = u64::broadcast_root(t32, shoup_precompute(t32, q));
  }
  HESPLIT_AVX2_INT __m256i reduce(const WideSum& s) const {
    const __m256i t = _mm256_add_epi64(s.mid, s.high);
    const __m256i a = u64::reduce_once(u64::mul_shoup(s.top, c64, c), c.two_q, c.two_q_minus_1);
    const __m256i b = u64::reduce_once(u64::mul_shoup(t, c32, c), c.two_q, c.two_q_minus_1);
    const __m256i sum = _mm256_add_epi64(_mm256_add_epi64(a, b), s.low);  // < 4q + 2^34 < 5q
    return u64::reduce_from_4q(u64::reduce_once(sum, c.four_q, c.four_q_minus_1), c);
  }
};

HESPLIT_AVX2_INT inline void add_product(WideSum& s, __m256i x, __m256i x_hi, __m256i k) {
  const __m256i k_hi = _mm256_srli_epi64(k, 32);
  const __m256i p00 = _mm256_mul_epu32(x, k);
  s.low = _mm256_add_epi64(s.low, _mm256_and_si256(p00, _mm256_set1_epi64x(0xFFFFFFFFLL)));
  s.high = _mm256_add_epi64(s.high, _mm256_srli_epi64(p00, 32));
  s.mid = _mm256_add_epi64(s.mid,
                           _mm256_add_epi64(_mm256_mul_epu32(x, k_hi), _mm256_mul_epu32(x_hi, k)));
  s.top = _mm256_add_epi64(s.top, _mm256_mul_epu32(x_hi, k_hi));
}

template <bool Permuted>
HESPLIT_AVX2_INT void wide_inner_product_kernel(
    std::size_t count, const std::uint64_t* const* digits, const std::uint64_t* const* key_b,
    const std::uint64_t* const* key_a, const std::uint32_t* perm, std::uint64_t q,
    std::uint64_t* out_b, std::uint64_t* out_a, std::size_t n) {
  const WideFold fold(q);
  const __m256i zero = _mm256_setzero_si256();
  for (std::size_t k = 0; k < n; k += 4) {
    WideSum sb{zero, zero, zero, zero}, sa{zero, zero, zero, zero};
    __m128i index = _mm_setzero_si128();
    if constexpr (Permuted) index = _mm_loadu_si128(reinterpret_cast<const __m128i*>(perm + k));
    for (std::size_t d = 0; d < count; ++d) {
      __m256i x;
      if constexpr (Permuted) {
        x = _mm256_i32gather_epi64(reinterpret_cast<const long long*>(digits[d]), index, 8);
      } else {
        x = load(digits[d] + k);
      }
      const __m256i x_hi = _mm256_srli_epi64(x, 32);
      add_product(sb, x, x_hi, load(key_b[d] + k));
      add_product(sa, x, x_hi, load(key_a[d] + k));
    }
    store(out_b + k, fold.reduce(sb));
    store(out_a + k, fold.reduce(sa));
  }
}

HESPLIT_AVX2 void add_kernel(std::uint64_t* a, const std::uint64_t* b, std::size_t n,
                             std::uint64_t q) {
  const __m256i qv = set1(q), q1 = set1(q - 1);
  for (std::size_t k = 0; k < n; k += 4) store(a + k, add_words(load(a + k), load(b + k), qv, q1));
}

HESPLIT_AVX2 void sub_kernel(std::uint64_t* a, const std::uint64_t* b, std::size_t n,
                             std::uint64_t q) {
  const __m256i qv = set1(q), zero = _mm256_setzero_si256();
  for (std::size_t k = 0; k < n; k += 4) {
    const __m256i d = _mm256_sub_epi64(load(a + k), load(b + k));
    store(a + k, _mm256_add_epi64(d, _mm256_and_si256(_mm256_cmpgt_epi64(zero, d), qv)));
  }
}

HESPLIT_AVX2 void add_constant_kernel(std::uint64_t* a, std::uint64_t c, std::size_t n,
                                      std::uint64_t q) {
  const __m256i qv = set1(q), q1 = set1(q - 1), cv = set1(c);
  for (std::size_t k = 0; k < n; k += 4) store(a + k, add_words(load(a + k), cv, qv, q1));
}

HESPLIT_AVX2 void mul_kernel(std::uint64_t* out, const std::uint64_t* a, const std::uint64_t* b,
                             std::size_t n, std::uint64_t q) {
  const f::Mod mod(q);
  for (std::size_t k = 0; k < n; k += 4) {
    const __m256d r = f::mul(f::load_f64(a + k), f::load_f64(b + k), mod);
    f::store_u64(out + k, f::lift_negative(r, mod));
  }
}

HESPLIT_AVX2 void tensor_kernel(const std::uint64_t* a0, const std::uint64_t* a1,
                                const std::uint64_t* b0, const std::uint64_t* b1, std::uint64_t* r0,
                                std::uint64_t* r1, std::uint64_t* r2, std::size_t n,
                                std::uint64_t q) {
  const f::Mod mod(q);
  for (std::size_t k = 0; k < n; k += 4) {
    const __m256d x0 = f::load_f64(a0 + k), x1 = f::load_f64(a1 + k);
    const __m256d y0 = f::load_f64(b0 + k), y1 = f::load_f64(b1 + k);
    f::store_u64(r0 + k, f::lift_negative(f::mul(x0, y0, mod), mod));
    const __m256d mid = _mm256_add_pd(f::mul(x0, y1, mod), f::mul(x1, y0, mod));
    f::store_u64(r1 + k, f::canonical(mid, mod));
    f::store_u64(r2 + k, f::lift_negative(f::mul(x1, y1, mod), mod));
  }
}

HESPLIT_AVX2 void tensor_sum_kernel(std::size_t count, const std::uint64_t* const* a0,
                                    const std::uint64_t* const* a1, const std::uint64_t* const* b0,
                                    const std::uint64_t* const* b1, const std::uint64_t* const* p,
                                    std::uint64_t* r0, std::uint64_t* r1, std::uint64_t* r2,
                                    std::size_t n, std::uint64_t q) {
  const f::Mod mod(q);
  const __m256i qv = set1(q), q1 = set1(q - 1);
  const __m256d offset = _mm256_set1_pd(f::kTwo52);
  for (std::size_t k = 0; k < n; k += 4) {
    // At most 2 kMaxTensorSumTerms products of size < 3q/4 per sum: below 6q < 2^53.
    __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0;
    for (std::size_t t = 0; t < count; ++t) {
      const __m256d x0 = f::load_f64(a0[t] + k), x1 = f::load_f64(a1[t] + k);
      __m256i y0w = load(b0[t] + k);
      if (p[t] != nullptr) y0w = add_words(y0w, load(p[t] + k), qv, q1);
      const __m256d y0 = f::to_f64(y0w, offset), y1 = f::load_f64(b1[t] + k);
      s0 = _mm256_add_pd(s0, f::mul(x0, y0, mod));
      s1 = _mm256_add_pd(s1, _mm256_add_pd(f::mul(x0, y1, mod), f::mul(x1, y0, mod)));
      s2 = _mm256_add_pd(s2, f::mul(x1, y1, mod));
    }
    f::store_u64(r0 + k, f::canonical(s0, mod));
    f::store_u64(r1 + k, f::canonical(s1, mod));
    f::store_u64(r2 + k, f::canonical(s2, mod));
  }
}

HESPLIT_AVX2 void reduce_sub_kernel(const std::uint64_t* in, std::uint64_t* out, std::uint64_t c,
                                    std::size_t n, std::uint64_t q) {
  const WordReducer reducer(q);
  const __m256d cv = _mm256_set1_pd(static_cast<double>(c));
  for (std::size_t k = 0; k < n; k += 4) {
    const __m256d x = reducer.reduce<false>(load(in + k));
    f::store_u64(out + k, f::lift_negative(_mm256_sub_pd(x, cv), reducer.mod));
  }
}

HESPLIT_AVX2 void mul_difference_kernel(std::uint64_t* out, const std::uint64_t* sub, std::size_t n,
                                        std::uint64_t q, std::uint64_t w) {
  const f::Mod mod(q);
  const Root root(w, q);
  for (std::size_t k = 0; k < n; k += 4) {
    const __m256d diff = _mm256_sub_pd(f::load_f64(out + k), f::load_f64(sub + k));
    f::store_u64(out + k, f::lift_negative(f::mul_root(diff, root.w, root.wq, mod), mod));
  }
}

}  // namespace

// The entry points (named apart from the dispatching simd:: functions of the same signatures).
namespace avx2 {

// The entry points: the operand ranges above, else false (the caller's scalar loop runs).
bool add_constant(std::uint64_t* a, std::uint64_t c, std::size_t n, std::uint64_t q) noexcept {
  if (n % 4 != 0 || q >= kBit62) return false;
  add_constant_kernel(a, c, n, q);
  return true;
}

bool reduce_sub(const std::uint64_t* in, std::uint64_t* out, std::uint64_t c, std::size_t n,
                std::uint64_t q) noexcept {
  if (n % 4 != 0 || q >= kBit60) return false;
  if (q < kBit50) {
    reduce_sub_kernel(in, out, c, n, q);
  } else {
    reduce_sub_wide_kernel(in, out, c, n, q);
  }
  return true;
}

bool mul_difference(std::uint64_t* out, const std::uint64_t* sub, std::size_t n, std::uint64_t q,
                    std::uint64_t w, std::uint64_t w_shoup) noexcept {
  if (n % 4 != 0 || q >= kBit60) return false;
  if (q < kBit50) {
    mul_difference_kernel(out, sub, n, q, w);
  } else {
    mul_difference_wide_kernel(out, sub, n, q, w, w_shoup);
  }
  return true;
}

bool add(std::uint64_t* a, const std::uint64_t* b, std::size_t n, std::uint64_t q) noexcept {
  if (n % 4 != 0 || q >= kBit62) return false;
  add_kernel(a, b, n, q);
  return true;
}

bool sub(std::uint64_t* a, const std::uint64_t* b, std::size_t n, std::uint64_t q) noexcept {
  if (n % 4 != 0 || q >= kBit62) return false;
  sub_kernel(a, b, n, q);
  return true;
}

bool mul(std::uint64_t* out, const std::uint64_t* a, const std::uint64_t* b, std::size_t n,
         std::uint64_t q) noexcept {
  if (n % 4 != 0 || q >= kBit50) return false;
  mul_kernel(out, a, b, n, q);
  return true;
}

bool tensor(const std::uint64_t* a0, const std::uint64_t* a1, const std::uint64_t* b0,
            const std::uint64_t* b1, std::uint64_t* r0, std::uint64_t* r1, std::uint64_t* r2,
            std::size_t n, std::uint64_t q) noexcept {
  if (n % 4 != 0 || q >= kBit50) return false;
  tensor_kernel(a0, a1, b0, b1, r0, r1, r2, n, q);
  return true;
}

bool inner_product_pair(std::size_t count, const std::uint64_t* const* digits,
                        const std::uint64_t* const* key_b, const std::uint64_t* const* key_a,
                        const std::uint32_t* perm, std::uint64_t q, std::uint64_t* out_b,
                        std::uint64_t* out_a, std::size_t n) noexcept {
  if (count == 0 || n % 4 != 0 || q >= kBit60) return false;
  if (q >= kBit50) {
    if (count > 4) return false;
    if (perm != nullptr) {
      wide_inner_product_kernel<true>(count, digits, key_b, key_a, perm, q, out_b, out_a, n);
    } else {
      wide_inner_product_kernel<false>(count, digits, key_b, key_a, perm, q, out_b, out_a, n);
    }
    return true;
  }
  if (count > 8) return false;
  if (perm != nullptr) {
    inner_product_kernel<true>(count, digits, key_b, key_a, perm, q, out_b, out_a, n);
  } else {
    inner_product_kernel<false>(count, digits, key_b, key_a, perm, q, out_b, out_a, n);
  }
  return true;
}

bool lift_one_prime(const std::uint64_t* in, std::uint64_t* out, std::size_t n, std::uint64_t q,
                    std::uint64_t t, std::uint64_t q_mod_t) noexcept {
  if (q >= kBit62) return false;
  // Between primes of similar size (q <= 2t) one conditional subtraction is far cheaper than the
  // double-precision reduction.
  if (t < kBit62 && q <= 2 * t) {
    lift_near_kernel(in, out, n, q, t, q_mod_t);
  } else if (t < kBit50) {
    if (q < (std::uint64_t{1} << 52)) {
      lift_kernel<true>(in, out, n, q, t, q_mod_t);
    } else {
      lift_kernel<false>(in, out, n, q, t, q_mod_t);
    }
  } else {
    return false;
  }
  return true;
}

bool mod_down_accumulate(std::uint64_t* out, const std::uint64_t* p, const std::uint64_t* lift,
                         std::size_t n, std::uint64_t q, std::uint64_t w,
                         std::uint64_t w_shoup) noexcept {
  if (q >= kBit60) return false;
  if (q < kBit50) {
    mod_down_kernel(out, p, lift, n, q, w, w_shoup);
  } else {
    mod_down_wide_kernel(out, p, lift, n, q, w, w_shoup);
  }
  return true;
}

bool tensor_sum(std::size_t count, const std::uint64_t* const* a0, const std::uint64_t* const* a1,
                const std::uint64_t* const* b0, const std::uint64_t* const* b1,
                const std::uint64_t* const* p, std::uint64_t* r0, std::uint64_t* r1,
                std::uint64_t* r2, std::size_t n, std::uint64_t q) noexcept {
  if (n % 4 != 0 || q >= kBit50 || count == 0 || count > kMaxTensorSumTerms) return false;
  tensor_sum_kernel(count, a0, a1, b0, b1, p, r0, r1, r2, n, q);
  return true;
}

}  // namespace avx2

KernelTable avx2_kernels() noexcept {
  return {&avx2::lift_one_prime,
          &avx2::mod_down_accumulate,
          &avx2::add_constant,
          &avx2::reduce_sub,
          &avx2::mul_difference,
          &avx2::inner_product_pair,
          &avx2::add,
          &avx2::sub,
          &avx2::mul,
          &avx2::tensor,
          &avx2::tensor_sum};
}

}  // namespace hesplit::ckks::simd
