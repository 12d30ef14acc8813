#pragma once
// Which family of arithmetic kernels runs the CKKS hot loops (issues 6 and 21): AVX-512 IFMA where
// the CPU has it, else AVX2 + FMA, else the portable scalar loops. Every path computes
// bit-identical results; only speed differs. HESPLIT_CKKS_KERNELS=scalar|avx2|avx512|ifma forces a
// path ("avx512" and "ifma" name the same one: hesplit's AVX-512 kernels all need IFMA), so any
// machine can measure and test every path it has; forcing a path the CPU lacks is refused.
// The choice is made once per process (the first time a kernel is needed) and never changes.

#include <optional>
#include <string_view>

namespace hesplit::ckks {

enum class KernelPath { scalar, avx2, ifma };

std::string_view kernel_path_name(KernelPath path) noexcept;

// What this CPU executes (cpuid, and the OS's xgetbv state through the compiler's builtins).
bool cpu_has_avx2_fma() noexcept;
bool cpu_runs(KernelPath path) noexcept;

// The path for a given HESPLIT_CKKS_KERNELS value (nullopt: unset) and CPU: the forced one, or
// the fastest the CPU runs. Throws std::invalid_argument naming the value for an unknown name or
// a path the CPU lacks.
KernelPath resolve_kernel_path(std::optional<std::string_view> forced,
                               bool (*cpu_runs_path)(KernelPath) = &cpu_runs);

// The process's path: resolve_kernel_path(getenv("HESPLIT_CKKS_KERNELS")), cached after the first
// successful call. Throws as resolve_kernel_path does.
KernelPath active_kernel_path();

}  // namespace hesplit::ckks
