#pragma once
// AVX2 + FMA kernel for the negacyclic NTT (issue 21), "avx2": for q < 2^50 and N >= 16. The
// transform runs in double precision on balanced (signed) values, in place: the words are turned
// into doubles as the first pass loads them and back into canonical words as the last pass
// stores them. Outputs are fully reduced, so they are bit-identical to the scalar kernel's. It
// needs the tables' double-precision roots (NttKernel::f64_roots). Calling it on a CPU without
// AVX2 and FMA is undefined, so go through default_ntt_kernel().

#include <cstddef>

#include "ckks/modulus.hpp"
#include "ckks/ntt.hpp"

namespace hesplit::ckks {

bool avx2_kernel_supports(std::size_t degree, const Modulus& modulus) noexcept;
NttKernel avx2_ntt_kernel() noexcept;

// "avx2-wide" (ntt_avx2_wide.cpp): for q < 2^60 and N >= 16, the scalar kernel's Harvey
// butterflies on 64-bit lanes with 32-bit vpmuludq partial products; slower than "avx2", so the
// default only takes it for primes of 50 bits and more. Needs AVX2 only.
bool avx2_wide_kernel_supports(std::size_t degree, const Modulus& modulus) noexcept;
NttKernel avx2_wide_ntt_kernel() noexcept;

}  // namespace hesplit::ckks
