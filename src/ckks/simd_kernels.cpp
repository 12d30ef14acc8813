// The element-wise entry points of simd_kernels.hpp: each forwards to the table of the process's
// kernel path, resolved once.
#include "ckks/simd_kernels.hpp"

namespace hesplit::ckks::simd {
namespace {

bool decline_lift(const std::uint64_t*, std::uint64_t*, std::size_t, std::uint64_t, std::uint64_t,
                  std::uint64_t) noexcept {
  return false;
}
bool decline_mod_down(std::uint64_t*, const std::uint64_t*, const std::uint64_t*, std::size_t,
                      std::uint64_t, std::uint64_t, std::uint64_t) noexcept {
  return false;
}
bool decline_add_constant(std::uint64_t*, std::uint64_t, std::size_t, std::uint64_t) noexcept {
  return false;
}
bool decline_reduce_sub(const std::uint64_t*, std::uint64_t*, std::uint64_t, std::size_t,
                        std::uint64_t) noexcept {
  return false;
}
bool decline_mul_difference(std::uint64_t*, const std::uint64_t*, std::size_t, std::uint64_t,
                            std::uint64_t, std::uint64_t) noexcept {
  return false;
}
bool decline_inner_product(std::size_t, const std::uint64_t* const*, const std::uint64_t* const*,
                           const std::uint64_t* const*, const std::uint32_t*, std::uint64_t,
                           std::uint64_t*, std::uint64_t*, std::size_t) noexcept {
  return false;
}
bool decline_add_sub(std::uint64_t*, const std::uint64_t*, std::size_t, std::uint64_t) noexcept {
  return false;
}
bool decline_mul(std::uint64_t*, const std::uint64_t*, const std::uint64_t*, std::size_t,
                 std::uint64_t) noexcept {
  return false;
}
bool decline_tensor(const std::uint64_t*, const std::uint64_t*, const std::uint64_t*,
                    const std::uint64_t*, std::uint64_t*, std::uint64_t*, std::uint64_t*,
                    std::size_t, std::uint64_t) noexcept {
  return false;
}
bool decline_tensor_sum(std::size_t, const std::uint64_t* const*, const std::uint64_t* const*,
                        const std::uint64_t* const*, const std::uint64_t* const*,
                        const std::uint64_t* const*, std::uint64_t*, std::uint64_t*, std::uint64_t*,
                        std::size_t, std::uint64_t) noexcept {
  return false;
}

// The process's table. A HESPLIT_CKKS_KERNELS value the CPU cannot run throws here; the callers
// are noexcept, so that ends the process with the refusal's message (a context's NTT tables,
// built first, report it as an exception).
const KernelTable& active() noexcept {
  static const KernelTable table = kernel_table(active_kernel_path());
  return table;
}

}  // namespace

KernelTable kernel_table(KernelPath path) noexcept {
  switch (path) {
    case KernelPath::ifma:
      return ifma_kernels();
    case KernelPath::avx2:
      return avx2_kernels();
    case KernelPath::scalar:
      break;
  }
  return {&decline_lift,       &decline_mod_down,       &decline_add_constant,
          &decline_reduce_sub, &decline_mul_difference, &decline_inner_product,
          &decline_add_sub,    &decline_add_sub,        &decline_mul,
          &decline_tensor,     &decline_tensor_sum};
}

bool lift_one_prime(const std::uint64_t* in, std::uint64_t* out, std::size_t n, std::uint64_t q,
                    std::uint64_t t, std::uint64_t q_mod_t) noexcept {
  return active().lift_one_prime(in, out, n, q, t, q_mod_t);
}

bool mod_down_accumulate(std::uint64_t* out, const std::uint64_t* p, const std::uint64_t* lift,
                         std::size_t n, std::uint64_t q, std::uint64_t w,
                         std::uint64_t w_shoup) noexcept {
  return active().mod_down_accumulate(out, p, lift, n, q, w, w_shoup);
}

bool add_constant(std::uint64_t* a, std::uint64_t c, std::size_t n, std::uint64_t q) noexcept {
  return active().add_constant(a, c, n, q);
}

bool reduce_sub(const std::uint64_t* in, std::uint64_t* out, std::uint64_t c, std::size_t n,
                std::uint64_t q) noexcept {
  return active().reduce_sub(in, out, c, n, q);
}

bool mul_difference(std::uint64_t* out, const std::uint64_t* sub, std::size_t n, std::uint64_t q,
                    std::uint64_t w, std::uint64_t w_shoup) noexcept {
  return active().mul_difference(out, sub, n, q, w, w_shoup);
}

bool inner_product_pair(std::size_t count, const std::uint64_t* const* digits,
                        const std::uint64_t* const* key_b, const std::uint64_t* const* key_a,
                        const std::uint32_t* perm, std::uint64_t q, std::uint64_t* out_b,
                        std::uint64_t* out_a, std::size_t n) noexcept {
  return active().inner_product_pair(count, digits, key_b, key_a, perm, q, out_b, out_a, n);
}

bool add(std::uint64_t* a, const std::uint64_t* b, std::size_t n, std::uint64_t q) noexcept {
  return active().add(a, b, n, q);
}

bool sub(std::uint64_t* a, const std::uint64_t* b, std::size_t n, std::uint64_t q) noexcept {
  return active().sub(a, b, n, q);
}

bool mul(std::uint64_t* out, const std::uint64_t* a, const std::uint64_t* b, std::size_t n,
         std::uint64_t q) noexcept {
  return active().mul(out, a, b, n, q);
}

bool tensor(const std::uint64_t* a0, const std::uint64_t* a1, const std::uint64_t* b0,
            const std::uint64_t* b1, std::uint64_t* r0, std::uint64_t* r1, std::uint64_t* r2,
            std::size_t n, std::uint64_t q) noexcept {
  return active().tensor(a0, a1, b0, b1, r0, r1, r2, n, q);
}

bool tensor_sum(std::size_t count, const std::uint64_t* const* a0, const std::uint64_t* const* a1,
                const std::uint64_t* const* b0, const std::uint64_t* const* b1,
                const std::uint64_t* const* p, std::uint64_t* r0, std::uint64_t* r1,
                std::uint64_t* r2, std::size_t n, std::uint64_t q) noexcept {
  return active().tensor_sum(count, a0, a1, b0, b1, p, r0, r1, r2, n, q);
}

}  // namespace hesplit::ckks::simd
