#include "ckks/kernel_path.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "ckks/ntt_ifma.hpp"

namespace hesplit::ckks {

std::string_view kernel_path_name(KernelPath path) noexcept {
  switch (path) {
    case KernelPath::ifma:
      return "ifma";
    case KernelPath::avx2:
      return "avx2";
    case KernelPath::scalar:
      break;
  }
  return "scalar";
}

bool cpu_has_avx2_fma() noexcept {
  // __builtin_cpu_supports also checks (xgetbv) that the OS saves the YMM state.
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

bool cpu_runs(KernelPath path) noexcept {
  switch (path) {
    case KernelPath::ifma:
      return cpu_has_avx512_ifma();
    case KernelPath::avx2:
      return cpu_has_avx2_fma();
    case KernelPath::scalar:
      break;
  }
  return true;
}

KernelPath resolve_kernel_path(std::optional<std::string_view> forced,
                               bool (*cpu_runs_path)(KernelPath)) {
  if (!forced.has_value() || forced->empty()) {
    for (const KernelPath path : {KernelPath::ifma, KernelPath::avx2}) {
      if (cpu_runs_path(path)) return path;
    }
    return KernelPath::scalar;
  }
  const std::string_view name = *forced;
  KernelPath path = KernelPath::scalar;
  if (name == "ifma" || name == "avx512") {
    path = KernelPath::ifma;
  } else if (name == "avx2") {
    path = KernelPath::avx2;
  } else if (name != "scalar") {
    throw std::invalid_argument("HESPLIT_CKKS_KERNELS=" + std::string(name) +
                                ": unknown kernel path (use scalar, avx2, avx512 or ifma)");
  }
  if (!cpu_runs_path(path)) {
    throw std::invalid_argument("HESPLIT_CKKS_KERNELS=" + std::string(name) +
                                ": this CPU cannot run the " + std::string(kernel_path_name(path)) +
                                " kernels");
  }
  return path;
}

KernelPath active_kernel_path() {
  // Resolved once; a throw leaves it unresolved, so every later call refuses the same way.
  static const KernelPath path = [] {
    const char* value = std::getenv("HESPLIT_CKKS_KERNELS");
    return resolve_kernel_path(value == nullptr ? std::nullopt
                                                : std::optional<std::string_view>(value));
  }();
  return path;
}

}  // namespace hesplit::ckks
