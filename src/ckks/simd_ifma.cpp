// AVX-512 IFMA versions of the element-wise loops (issue 6); see simd_kernels.hpp for the
// contracts. Only reached through ifma_kernels(), on CPUs that run the IFMA path.
#include "ckks/modulus.hpp"
#include "ckks/simd_kernels.hpp"
#include "ckks/simd_mod.hpp"

// See simd_mod.hpp: a false positive of GCC 12 inside the intrinsics.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace hesplit::ckks::simd {
namespace {

constexpr std::uint64_t kBit60 = std::uint64_t{1} << 60;
constexpr std::uint64_t kBit62 = std::uint64_t{1} << 62;

template <typename Mul>
HESPLIT_AVX512 void lift_kernel(const std::uint64_t* in, std::uint64_t* out, std::size_t n,
                                std::uint64_t q, std::uint64_t t, std::uint64_t q_mod_t) {
  const __m512i tv = _mm512_set1_epi64(static_cast<long long>(t));
  const __m512i one = _mm512_set1_epi64(1);
  // x mod t as the Shoup product x * 1.
  const __m512i one_s =
      _mm512_set1_epi64(static_cast<long long>(shoup_precompute(1, t) >> Mul::kShift));
  const __m512i half = _mm512_set1_epi64(static_cast<long long>(q >> 1));
  const __m512i t_minus_qmt = _mm512_set1_epi64(static_cast<long long>(t - q_mod_t));
  std::size_t k = 0;
  for (; k + 8 <= n; k += 8) {
    const __m512i x = _mm512_loadu_si512(in + k);
    const __m512i xm = reduce_once(Mul::mul(x, one, one_s, tv), tv);
    const __m512i neg = reduce_once(_mm512_add_epi64(xm, t_minus_qmt), tv);
    const __mmask8 is_neg = _mm512_cmpgt_epu64_mask(x, half);
    _mm512_storeu_si512(out + k, _mm512_mask_blend_epi64(is_neg, xm, neg));
  }
  const Modulus tm(t);
  for (; k < n; ++k) {
    const std::uint64_t xm = reduce_u64(in[k], tm);
    out[k] = in[k] > (q >> 1) ? sub_mod(xm, q_mod_t, t) : xm;
  }
}

template <typename Mul>
HESPLIT_AVX512 void mod_down_kernel(std::uint64_t* out, const std::uint64_t* p,
                                    const std::uint64_t* lift, std::size_t n, std::uint64_t q,
                                    std::uint64_t w, std::uint64_t w_shoup) {
  const __m512i qv = _mm512_set1_epi64(static_cast<long long>(q));
  const __m512i wv = _mm512_set1_epi64(static_cast<long long>(w));
  const __m512i ws = _mm512_set1_epi64(static_cast<long long>(w_shoup >> Mul::kShift));
  std::size_t k = 0;
  for (; k + 8 <= n; k += 8) {
    const __m512i diff = _mm512_sub_epi64(_mm512_add_epi64(_mm512_loadu_si512(p + k), qv),
                                          _mm512_loadu_si512(lift + k));
    const __m512i prod = reduce_once(Mul::mul(diff, wv, ws, qv), qv);
    const __m512i sum = reduce_once(_mm512_add_epi64(_mm512_loadu_si512(out + k), prod), qv);
    _mm512_storeu_si512(out + k, sum);
  }
  for (; k < n; ++k) out[k] = add_mod(out[k], mul_shoup(p[k] + q - lift[k], w, w_shoup, q), q);
}

// V = hi 2^52 + lo (lo < 2^55, hi < 2^51 for <= 8 digits) reduced mod q < 2^50, exactly: fold the
// carries of lo into hi, then hi (2^52 mod q) + lo as two Shoup products, each in [0, 2q).
struct Fold {
  __m512i q, two_q, c, c_s, one, one_s;
  HESPLIT_AVX512 explicit Fold(std::uint64_t qs) {
    const std::uint64_t c52 = (std::uint64_t{1} << 52) % qs;
    q = _mm512_set1_epi64(static_cast<long long>(qs));
    two_q = _mm512_set1_epi64(static_cast<long long>(2 * qs));
    c = _mm512_set1_epi64(static_cast<long long>(c52));
    c_s = _mm512_set1_epi64(static_cast<long long>(shoup_precompute(c52, qs) >> Narrow::kShift));
    one = _mm512_set1_epi64(1);
    one_s = _mm512_set1_epi64(static_cast<long long>(shoup_precompute(1, qs) >> Narrow::kShift));
  }
  HESPLIT_AVX512 __m512i reduce(__m512i hi, __m512i lo) const {
    const __m512i mask = _mm512_set1_epi64((1LL << 52) - 1);
    hi = _mm512_add_epi64(hi, _mm512_srli_epi64(lo, 52));
    lo = _mm512_and_si512(lo, mask);
    const __m512i sum =
        _mm512_add_epi64(Narrow::mul(hi, c, c_s, q), Narrow::mul(lo, one, one_s, q));
    return reduce_once(reduce_once(sum, two_q), q);
  }
};

template <bool Permuted>
HESPLIT_AVX512 void inner_product_kernel(std::size_t count, const std::uint64_t* const* digits,
                                         const std::uint64_t* const* key_b,
                                         const std::uint64_t* const* key_a,
                                         const std::uint32_t* perm, std::uint64_t q,
                                         std::uint64_t* out_b, std::uint64_t* out_a,
                                         std::size_t n) {
  const Fold fold(q);
  const __m512i zero = _mm512_setzero_si512();
  for (std::size_t k = 0; k < n; k += 8) {
    __m512i b_lo = zero, b_hi = zero, a_lo = zero, a_hi = zero;
    __m256i index = _mm256_setzero_si256();
    if constexpr (Permuted) index = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(perm + k));
    for (std::size_t d = 0; d < count; ++d) {
      __m512i x;
      if constexpr (Permuted) {
        x = _mm512_i32gather_epi64(index, reinterpret_cast<const long long*>(digits[d]), 8);
      } else {
        x = _mm512_loadu_si512(digits[d] + k);
      }
      const __m512i kb = _mm512_loadu_si512(key_b[d] + k);
      const __m512i ka = _mm512_loadu_si512(key_a[d] + k);
      b_lo = _mm512_madd52lo_epu64(b_lo, x, kb);
      b_hi = _mm512_madd52hi_epu64(b_hi, x, kb);
      a_lo = _mm512_madd52lo_epu64(a_lo, x, ka);
      a_hi = _mm512_madd52hi_epu64(a_hi, x, ka);
    }
    _mm512_storeu_si512(out_b + k, fold.reduce(b_hi, b_lo));
    _mm512_storeu_si512(out_a + k, fold.reduce(a_hi, a_lo));
  }
}

HESPLIT_AVX512 void add_kernel(std::uint64_t* a, const std::uint64_t* b, std::size_t n,
                               std::uint64_t q) {
  const __m512i qv = _mm512_set1_epi64(static_cast<long long>(q));
  for (std::size_t k = 0; k < n; k += 8) {
    const __m512i s = _mm512_add_epi64(_mm512_loadu_si512(a + k), _mm512_loadu_si512(b + k));
    _mm512_storeu_si512(a + k, reduce_once(s, qv));
  }
}

HESPLIT_AVX512 void sub_kernel(std::uint64_t* a, const std::uint64_t* b, std::size_t n,
                               std::uint64_t q) {
  const __m512i qv = _mm512_set1_epi64(static_cast<long long>(q));
  for (std::size_t k = 0; k < n; k += 8) {
    const __m512i d = _mm512_sub_epi64(_mm512_add_epi64(_mm512_loadu_si512(a + k), qv),
                                       _mm512_loadu_si512(b + k));
    _mm512_storeu_si512(a + k, reduce_once(d, qv));
  }
}

HESPLIT_AVX512 void mul_kernel(std::uint64_t* out, const std::uint64_t* a, const std::uint64_t* b,
                               std::size_t n, std::uint64_t q) {
  const Fold fold(q);
  const __m512i zero = _mm512_setzero_si512();
  for (std::size_t k = 0; k < n; k += 8) {
    const __m512i x = _mm512_loadu_si512(a + k);
    const __m512i y = _mm512_loadu_si512(b + k);
    _mm512_storeu_si512(
        out + k, fold.reduce(_mm512_madd52hi_epu64(zero, x, y), _mm512_madd52lo_epu64(zero, x, y)));
  }
}

HESPLIT_AVX512 void tensor_kernel(const std::uint64_t* a0, const std::uint64_t* a1,
                                  const std::uint64_t* b0, const std::uint64_t* b1,
                                  std::uint64_t* r0, std::uint64_t* r1, std::uint64_t* r2,
                                  std::size_t n, std::uint64_t q) {
  const Fold fold(q);
  const __m512i zero = _mm512_setzero_si512();
  for (std::size_t k = 0; k < n; k += 8) {
    const __m512i x0 = _mm512_loadu_si512(a0 + k);
    const __m512i x1 = _mm512_loadu_si512(a1 + k);
    const __m512i y0 = _mm512_loadu_si512(b0 + k);
    const __m512i y1 = _mm512_loadu_si512(b1 + k);
    _mm512_storeu_si512(r0 + k, fold.reduce(_mm512_madd52hi_epu64(zero, x0, y0),
                                            _mm512_madd52lo_epu64(zero, x0, y0)));
    const __m512i hi = _mm512_madd52hi_epu64(_mm512_madd52hi_epu64(zero, x0, y1), x1, y0);
    const __m512i lo = _mm512_madd52lo_epu64(_mm512_madd52lo_epu64(zero, x0, y1), x1, y0);
    _mm512_storeu_si512(r1 + k, fold.reduce(hi, lo));
    _mm512_storeu_si512(r2 + k, fold.reduce(_mm512_madd52hi_epu64(zero, x1, y1),
                                            _mm512_madd52lo_epu64(zero, x1, y1)));
  }
}

// Sums of tensor products with a plaintext added to each right operand's first component (see
// simd_kernels.hpp). For count <= 4 the middle sum has at most 8 products: hi < 2^51, as in Fold.
HESPLIT_AVX512 void tensor_sum_kernel(std::size_t count, const std::uint64_t* const* a0,
                                      const std::uint64_t* const* a1,
                                      const std::uint64_t* const* b0,
                                      const std::uint64_t* const* b1, const std::uint64_t* const* p,
                                      std::uint64_t* r0, std::uint64_t* r1, std::uint64_t* r2,
                                      std::size_t n, std::uint64_t q) {
  const Fold fold(q);
  const __m512i qv = _mm512_set1_epi64(static_cast<long long>(q));
  const __m512i zero = _mm512_setzero_si512();
  for (std::size_t k = 0; k < n; k += 8) {
    __m512i lo0 = zero, hi0 = zero, lo1 = zero, hi1 = zero, lo2 = zero, hi2 = zero;
    for (std::size_t t = 0; t < count; ++t) {
      const __m512i x0 = _mm512_loadu_si512(a0[t] + k);
      const __m512i x1 = _mm512_loadu_si512(a1[t] + k);
      __m512i y0 = _mm512_loadu_si512(b0[t] + k);
      if (p[t] != nullptr) {
        y0 = reduce_once(_mm512_add_epi64(y0, _mm512_loadu_si512(p[t] + k)), qv);
      }
      const __m512i y1 = _mm512_loadu_si512(b1[t] + k);
      lo0 = _mm512_madd52lo_epu64(lo0, x0, y0);
      hi0 = _mm512_madd52hi_epu64(hi0, x0, y0);
      lo1 = _mm512_madd52lo_epu64(_mm512_madd52lo_epu64(lo1, x0, y1), x1, y0);
      hi1 = _mm512_madd52hi_epu64(_mm512_madd52hi_epu64(hi1, x0, y1), x1, y0);
      lo2 = _mm512_madd52lo_epu64(lo2, x1, y1);
      hi2 = _mm512_madd52hi_epu64(hi2, x1, y1);
    }
    _mm512_storeu_si512(r0 + k, fold.reduce(hi0, lo0));
    _mm512_storeu_si512(r1 + k, fold.reduce(hi1, lo1));
    _mm512_storeu_si512(r2 + k, fold.reduce(hi2, lo2));
  }
}

// The same for 2^50 <= q < 2^60 and at most 4 digits, exactly: with x = x1 2^52 + x0 and
// k = k1 2^52 + k0 (x1, k1 < 2^8), x k = x1 k1 2^104 + (x1 k0 + x0 k1 + hi52(x0 k0)) 2^52 +
// lo52(x0 k0). The three columns are summed over the digits without overflow (the middle one
// stays below 4 * 2^61.6), normalised, and folded with (2^104 mod q), (2^52 mod q) and 1 as Shoup
// products in 62-bit form.
struct WideFold {
  __m512i q, c104, c104_s, c52, c52_s, one, one_s;
  HESPLIT_AVX512 explicit WideFold(std::uint64_t qs) {
    const Modulus m(qs);
    const std::uint64_t t52 = (std::uint64_t{1} << 52) % qs;
    const std::uint64_t t104 = mul_mod(t52, t52, m);
    q = _mm512_set1_epi64(static_cast<long long>(qs));
    c104 = _mm512_set1_epi64(static_cast<long long>(t104));
    c104_s = _mm512_set1_epi64(static_cast<long long>(shoup_precompute(t104, qs) >> Wide::kShift));
    c52 = _mm512_set1_epi64(static_cast<long long>(t52));
    c52_s = _mm512_set1_epi64(static_cast<long long>(shoup_precompute(t52, qs) >> Wide::kShift));
    one = _mm512_set1_epi64(1);
    one_s = _mm512_set1_epi64(static_cast<long long>(shoup_precompute(1, qs) >> Wide::kShift));
  }
  HESPLIT_AVX512 __m512i reduce(__m512i top, __m512i mid, __m512i lo) const {
    const __m512i mask = _mm512_set1_epi64((1LL << 52) - 1);
    mid = _mm512_add_epi64(mid, _mm512_srli_epi64(lo, 52));
    lo = _mm512_and_si512(lo, mask);
    top = _mm512_add_epi64(top, _mm512_srli_epi64(mid, 52));
    mid = _mm512_and_si512(mid, mask);
    __m512i sum = _mm512_add_epi64(Wide::mul(top, c104, c104_s, q), Wide::mul(mid, c52, c52_s, q));
    sum = _mm512_add_epi64(sum, Wide::mul(lo, one, one_s, q));  // < 6q < 2^63
    const __m512i two_q = _mm512_add_epi64(q, q);
    sum = reduce_once(sum, _mm512_add_epi64(two_q, two_q));
    return reduce_once(reduce_once(sum, two_q), q);
  }
};

template <bool Permuted>
HESPLIT_AVX512 void wide_inner_product_kernel(std::size_t count, const std::uint64_t* const* digits,
                                              const std::uint64_t* const* key_b,
                                              const std::uint64_t* const* key_a,
                                              const std::uint32_t* perm, std::uint64_t q,
                                              std::uint64_t* out_b, std::uint64_t* out_a,
                                              std::size_t n) {
  const WideFold fold(q);
  const __m512i zero = _mm512_setzero_si512();
  const __m512i mask = _mm512_set1_epi64((1LL << 52) - 1);
  for (std::size_t k = 0; k < n; k += 8) {
    __m512i bt = zero, bm = zero, bl = zero, at = zero, am = zero, al = zero;
    __m256i index = _mm256_setzero_si256();
    if constexpr (Permuted) index = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(perm + k));
    for (std::size_t d = 0; d < count; ++d) {
      __m512i x;
      if constexpr (Permuted) {
        x = _mm512_i32gather_epi64(index, reinterpret_cast<const long long*>(digits[d]), 8);
      } else {
        x = _mm512_loadu_si512(digits[d] + k);
      }
      const __m512i x0 = _mm512_and_si512(x, mask);
      const __m512i x1 = _mm512_srli_epi64(x, 52);
      const __m512i kb = _mm512_loadu_si512(key_b[d] + k);
      const __m512i ka = _mm512_loadu_si512(key_a[d] + k);
      const __m512i kb0 = _mm512_and_si512(kb, mask), kb1 = _mm512_srli_epi64(kb, 52);
      const __m512i ka0 = _mm512_and_si512(ka, mask), ka1 = _mm512_srli_epi64(ka, 52);
      bl = _mm512_madd52lo_epu64(bl, x0, kb0);
      bm = _mm512_madd52hi_epu64(bm, x0, kb0);
      bm = _mm512_add_epi64(
          bm, _mm512_add_epi64(_mm512_mullo_epi64(x1, kb0), _mm512_mullo_epi64(x0, kb1)));
      bt = _mm512_add_epi64(bt, _mm512_mullo_epi64(x1, kb1));
      al = _mm512_madd52lo_epu64(al, x0, ka0);
      am = _mm512_madd52hi_epu64(am, x0, ka0);
      am = _mm512_add_epi64(
          am, _mm512_add_epi64(_mm512_mullo_epi64(x1, ka0), _mm512_mullo_epi64(x0, ka1)));
      at = _mm512_add_epi64(at, _mm512_mullo_epi64(x1, ka1));
    }
    _mm512_storeu_si512(out_b + k, fold.reduce(bt, bm, bl));
    _mm512_storeu_si512(out_a + k, fold.reduce(at, am, al));
  }
}

HESPLIT_AVX512 void add_constant_kernel(std::uint64_t* a, std::uint64_t c, std::size_t n,
                                        std::uint64_t q) {
  const __m512i qv = _mm512_set1_epi64(static_cast<long long>(q));
  const __m512i cv = _mm512_set1_epi64(static_cast<long long>(c));
  for (std::size_t k = 0; k < n; k += 8) {
    _mm512_storeu_si512(a + k, reduce_once(_mm512_add_epi64(_mm512_loadu_si512(a + k), cv), qv));
  }
}

HESPLIT_AVX512 void reduce_sub_kernel(const std::uint64_t* in, std::uint64_t* out, std::uint64_t c,
                                      std::size_t n, std::uint64_t q) {
  const __m512i qv = _mm512_set1_epi64(static_cast<long long>(q));
  const __m512i one = _mm512_set1_epi64(1);
  const __m512i one_s =
      _mm512_set1_epi64(static_cast<long long>(shoup_precompute(1, q) >> Wide::kShift));
  const __m512i q_minus_c = _mm512_set1_epi64(static_cast<long long>(q - c));
  for (std::size_t k = 0; k < n; k += 8) {
    const __m512i x = reduce_once(Wide::mul(_mm512_loadu_si512(in + k), one, one_s, qv), qv);
    _mm512_storeu_si512(out + k, reduce_once(_mm512_add_epi64(x, q_minus_c), qv));
  }
}

template <typename Mul>
HESPLIT_AVX512 void mul_difference_kernel(std::uint64_t* out, const std::uint64_t* sub,
                                          std::size_t n, std::uint64_t q, std::uint64_t w,
                                          std::uint64_t w_shoup) {
  const __m512i qv = _mm512_set1_epi64(static_cast<long long>(q));
  const __m512i wv = _mm512_set1_epi64(static_cast<long long>(w));
  const __m512i ws = _mm512_set1_epi64(static_cast<long long>(w_shoup >> Mul::kShift));
  for (std::size_t k = 0; k < n; k += 8) {
    const __m512i diff = _mm512_sub_epi64(_mm512_add_epi64(_mm512_loadu_si512(out + k), qv),
                                          _mm512_loadu_si512(sub + k));
    _mm512_storeu_si512(out + k, reduce_once(Mul::mul(diff, wv, ws, qv), qv));
  }
}

}  // namespace

// The entry points (named apart from the dispatching simd:: functions of the same signatures).
namespace ifma {

// The entry points: the operand ranges of simd_kernels.hpp, else false.
bool add_constant(std::uint64_t* a, std::uint64_t c, std::size_t n, std::uint64_t q) noexcept {
  if (n % 8 != 0 || q >= kBit60) return false;
  add_constant_kernel(a, c, n, q);
  return true;
}

bool reduce_sub(const std::uint64_t* in, std::uint64_t* out, std::uint64_t c, std::size_t n,
                std::uint64_t q) noexcept {
  if (n % 8 != 0 || q >= kBit60) return false;
  reduce_sub_kernel(in, out, c, n, q);
  return true;
}

bool mul_difference(std::uint64_t* out, const std::uint64_t* sub, std::size_t n, std::uint64_t q,
                    std::uint64_t w, std::uint64_t w_shoup) noexcept {
  if (n % 8 != 0 || q >= kBit60) return false;
  if (q < (std::uint64_t{1} << 50)) {
    mul_difference_kernel<Narrow>(out, sub, n, q, w, w_shoup);
  } else {
    mul_difference_kernel<Wide>(out, sub, n, q, w, w_shoup);
  }
  return true;
}

bool add(std::uint64_t* a, const std::uint64_t* b, std::size_t n, std::uint64_t q) noexcept {
  if (n % 8 != 0 || q >= (std::uint64_t{1} << 63)) return false;
  add_kernel(a, b, n, q);
  return true;
}

bool sub(std::uint64_t* a, const std::uint64_t* b, std::size_t n, std::uint64_t q) noexcept {
  if (n % 8 != 0 || q >= (std::uint64_t{1} << 63)) return false;
  sub_kernel(a, b, n, q);
  return true;
}

bool mul(std::uint64_t* out, const std::uint64_t* a, const std::uint64_t* b, std::size_t n,
         std::uint64_t q) noexcept {
  if (n % 8 != 0 || q >= (std::uint64_t{1} << 50)) return false;
  mul_kernel(out, a, b, n, q);
  return true;
}

bool tensor(const std::uint64_t* a0, const std::uint64_t* a1, const std::uint64_t* b0,
            const std::uint64_t* b1, std::uint64_t* r0, std::uint64_t* r1, std::uint64_t* r2,
            std::size_t n, std::uint64_t q) noexcept {
  if (n % 8 != 0 || q >= (std::uint64_t{1} << 50)) return false;
  tensor_kernel(a0, a1, b0, b1, r0, r1, r2, n, q);
  return true;
}

bool inner_product_pair(std::size_t count, const std::uint64_t* const* digits,
                        const std::uint64_t* const* key_b, const std::uint64_t* const* key_a,
                        const std::uint32_t* perm, std::uint64_t q, std::uint64_t* out_b,
                        std::uint64_t* out_a, std::size_t n) noexcept {
  if (count == 0 || n % 8 != 0) return false;
  if (q >= (std::uint64_t{1} << 50)) {
    if (q >= kBit60 || count > 4) return false;
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
  if (q >= kBit62 || t >= kBit60) return false;
  lift_kernel<Wide>(in, out, n, q, t, q_mod_t);
  return true;
}

bool mod_down_accumulate(std::uint64_t* out, const std::uint64_t* p, const std::uint64_t* lift,
                         std::size_t n, std::uint64_t q, std::uint64_t w,
                         std::uint64_t w_shoup) noexcept {
  if (q >= kBit60) return false;
  if (q < (std::uint64_t{1} << 50)) {
    mod_down_kernel<Narrow>(out, p, lift, n, q, w, w_shoup);
  } else {
    mod_down_kernel<Wide>(out, p, lift, n, q, w, w_shoup);
  }
  return true;
}

bool tensor_sum(std::size_t count, const std::uint64_t* const* a0, const std::uint64_t* const* a1,
                const std::uint64_t* const* b0, const std::uint64_t* const* b1,
                const std::uint64_t* const* p, std::uint64_t* r0, std::uint64_t* r1,
                std::uint64_t* r2, std::size_t n, std::uint64_t q) noexcept {
  if (n % 8 != 0 || q >= (std::uint64_t{1} << 50) || count == 0 || count > kMaxTensorSumTerms) {
    return false;
  }
  tensor_sum_kernel(count, a0, a1, b0, b1, p, r0, r1, r2, n, q);
  return true;
}

}  // namespace ifma

KernelTable ifma_kernels() noexcept {
  return {&ifma::lift_one_prime,
          &ifma::mod_down_accumulate,
          &ifma::add_constant,
          &ifma::reduce_sub,
          &ifma::mul_difference,
          &ifma::inner_product_pair,
          &ifma::add,
          &ifma::sub,
          &ifma::mul,
          &ifma::tensor,
          &ifma::tensor_sum};
}

}  // namespace hesplit::ckks::simd
