#pragma once
// AVX-512 IFMA kernels for the negacyclic NTT (issue 6). "avx512ifma": 52-bit multiply-add lanes,
// for q < 2^50 (Harvey's lazy values stay below 4q < 2^52). "avx512ifma-wide": for q < 2^60, an
// exact Shoup product from one IFMA high half and 64-bit vpmullq products (see ntt_ifma.cpp).
// Both need N >= 16 and compute exactly the same transform as the scalar kernel (outputs fully
// reduced), so results are bit-identical.
// The kernel functions are compiled for AVX-512 through function attributes only; calling them on
// a CPU without AVX-512 IFMA is undefined, so go through default_ntt_kernel()
// (ntt.hpp).

#include <cstddef>

#include "ckks/modulus.hpp"
#include "ckks/ntt.hpp"

namespace hesplit::ckks {

// True when this CPU executes AVX-512F/VL/DQ and IFMA (checked with cpuid at run time).
bool cpu_has_avx512_ifma() noexcept;
// Whether the IFMA kernel can serve this degree and modulus (independent of the CPU).
bool ifma_kernel_supports(std::size_t degree, const Modulus& modulus) noexcept;
bool ifma_wide_kernel_supports(std::size_t degree, const Modulus& modulus) noexcept;
NttKernel ifma_ntt_kernel() noexcept;
NttKernel ifma_wide_ntt_kernel() noexcept;

}  // namespace hesplit::ckks
