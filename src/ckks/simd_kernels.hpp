#pragma once
// Vector versions of the element-wise loops of key switching, rescale and multiplication: AVX-512
// IFMA (issue 6) and AVX2 + FMA (issue 21), run on the process's kernel path (kernel_path.hpp).
// Each returns false, doing nothing, when the path is scalar or the operands are outside its
// range; the caller then runs its scalar loop. Results are bit-identical to the scalar loops.
// The ranges below are the IFMA path's. The AVX2 path serves q < 2^50 for mul, tensor and
// tensor_sum; q < 2^60 for inner_product_pair (up to 8 digits below 2^50, 4 above),
// mod_down_accumulate, reduce_sub and mul_difference; t < 2^50, or any t with q <= 2t, for
// lift_one_prime (q < 2^62); q < 2^62 for add, sub and add_constant; n a multiple of 4 where the
// IFMA path needs a multiple of 8.

#include <cstddef>
#include <cstdint>

#include "ckks/kernel_path.hpp"

namespace hesplit::ckks::simd {

// out[k] = centred lift of x = in[k] (mod q) into Z_t: x mod t, minus q mod t when x > q/2.
// Vector path when q < 2^62 and t < 2^60.
bool lift_one_prime(const std::uint64_t* in, std::uint64_t* out, std::size_t n, std::uint64_t q,
                    std::uint64_t t, std::uint64_t q_mod_t) noexcept;

// out[k] = (out[k] + (p[k] + q - lift[k]) * w) mod q, with w_shoup the 64-bit Shoup constant of w
// (ModDown's last step). Needs out, p, lift < q. Vector path when q < 2^60.
bool mod_down_accumulate(std::uint64_t* out, const std::uint64_t* p, const std::uint64_t* lift,
                         std::size_t n, std::uint64_t q, std::uint64_t w,
                         std::uint64_t w_shoup) noexcept;

// Rescale's loops (q < 2^60, inputs below 2^62 for reduce_sub, below q otherwise):
//   add_constant:  a[k] = (a[k] + c) mod q
//   reduce_sub:    out[k] = (in[k] mod q - c) mod q
//   mul_difference: out[k] = ((out[k] + q - sub[k]) * w) mod q  (out, sub < q)
bool add_constant(std::uint64_t* a, std::uint64_t c, std::size_t n, std::uint64_t q) noexcept;
bool reduce_sub(const std::uint64_t* in, std::uint64_t* out, std::uint64_t c, std::size_t n,
                std::uint64_t q) noexcept;
bool mul_difference(std::uint64_t* out, const std::uint64_t* sub, std::size_t n, std::uint64_t q,
                    std::uint64_t w, std::uint64_t w_shoup) noexcept;

// Key-switching inner product of one limb: for k < n, with x_d = digits[d][perm ? perm[k] : k],
//   out_b[k] = sum_d x_d key_b[d][k] mod q,   out_a[k] = sum_d x_d key_a[d][k] mod q.
// All inputs < q. Vector path when q < 2^50 and 1 <= count <= 8 (52-bit IFMA products), or
// q < 2^60 and 1 <= count <= 4 (products split at bit 52).
bool inner_product_pair(std::size_t count, const std::uint64_t* const* digits,
                        const std::uint64_t* const* key_b, const std::uint64_t* const* key_a,
                        const std::uint32_t* perm, std::uint64_t q, std::uint64_t* out_b,
                        std::uint64_t* out_a, std::size_t n) noexcept;

// Element-wise a = a + b, a = a - b (mod q < 2^63), a = a * b and out = a * b (mod q < 2^50);
// inputs < q. `out` may alias `a`.
bool add(std::uint64_t* a, const std::uint64_t* b, std::size_t n, std::uint64_t q) noexcept;
bool sub(std::uint64_t* a, const std::uint64_t* b, std::size_t n, std::uint64_t q) noexcept;
bool mul(std::uint64_t* out, const std::uint64_t* a, const std::uint64_t* b, std::size_t n,
         std::uint64_t q) noexcept;
// The ciphertext tensor product of one limb (mod q < 2^50): r0 = a0 b0, r1 = a0 b1 + a1 b0,
// r2 = a1 b1.
bool tensor(const std::uint64_t* a0, const std::uint64_t* a1, const std::uint64_t* b0,
            const std::uint64_t* b1, std::uint64_t* r0, std::uint64_t* r1, std::uint64_t* r2,
            std::size_t n, std::uint64_t q) noexcept;

// Lazily summed tensor products of one limb (mod q < 2^50), each right operand's first component
// plus a plaintext: for t < count, with y_t = b0[t] + p[t] mod q (p[t] == nullptr: b0[t]),
//   r0 = sum a0[t] y_t,   r1 = sum a0[t] b1[t] + a1[t] y_t,   r2 = sum a1[t] b1[t]   (mod q).
// Inputs < q. Vector path for 1 <= count <= kMaxTensorSumTerms (the middle sum stays within the
// 52-bit fold).
inline constexpr std::size_t kMaxTensorSumTerms = 4;
bool tensor_sum(std::size_t count, const std::uint64_t* const* a0, const std::uint64_t* const* a1,
                const std::uint64_t* const* b0, const std::uint64_t* const* b1,
                const std::uint64_t* const* p, std::uint64_t* r0, std::uint64_t* r1,
                std::uint64_t* r2, std::size_t n, std::uint64_t q) noexcept;

// One path's entry points, with the signatures above (each returns false when it declines).
struct KernelTable {
  bool (*lift_one_prime)(const std::uint64_t*, std::uint64_t*, std::size_t, std::uint64_t,
                         std::uint64_t, std::uint64_t) noexcept;
  bool (*mod_down_accumulate)(std::uint64_t*, const std::uint64_t*, const std::uint64_t*,
                              std::size_t, std::uint64_t, std::uint64_t, std::uint64_t) noexcept;
  bool (*add_constant)(std::uint64_t*, std::uint64_t, std::size_t, std::uint64_t) noexcept;
  bool (*reduce_sub)(const std::uint64_t*, std::uint64_t*, std::uint64_t, std::size_t,
                     std::uint64_t) noexcept;
  bool (*mul_difference)(std::uint64_t*, const std::uint64_t*, std::size_t, std::uint64_t,
                         std::uint64_t, std::uint64_t) noexcept;
  bool (*inner_product_pair)(std::size_t, const std::uint64_t* const*, const std::uint64_t* const*,
                             const std::uint64_t* const*, const std::uint32_t*, std::uint64_t,
                             std::uint64_t*, std::uint64_t*, std::size_t) noexcept;
  bool (*add)(std::uint64_t*, const std::uint64_t*, std::size_t, std::uint64_t) noexcept;
  bool (*sub)(std::uint64_t*, const std::uint64_t*, std::size_t, std::uint64_t) noexcept;
  bool (*mul)(std::uint64_t*, const std::uint64_t*, const std::uint64_t*, std::size_t,
              std::uint64_t) noexcept;
  bool (*tensor)(const std::uint64_t*, const std::uint64_t*, const std::uint64_t*,
                 const std::uint64_t*, std::uint64_t*, std::uint64_t*, std::uint64_t*, std::size_t,
                 std::uint64_t) noexcept;
  bool (*tensor_sum)(std::size_t, const std::uint64_t* const*, const std::uint64_t* const*,
                     const std::uint64_t* const*, const std::uint64_t* const*,
                     const std::uint64_t* const*, std::uint64_t*, std::uint64_t*, std::uint64_t*,
                     std::size_t, std::uint64_t) noexcept;
};

// The tables of each path (the scalar one declines everything). Running a path's table on a CPU
// that lacks it (cpu_runs) is undefined; tests use these to check every path the CPU runs.
KernelTable ifma_kernels() noexcept;
KernelTable avx2_kernels() noexcept;
KernelTable kernel_table(KernelPath path) noexcept;

}  // namespace hesplit::ckks::simd
