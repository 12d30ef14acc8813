#pragma once
// Negacyclic number-theoretic transform over Z_q[X]/(X^N + 1) (Harvey's lazy butterflies).
//
// Forward: coefficients (any values < 4q) -> evaluations in bit-reversed order, reduced to [0, q).
// Output index i holds a(psi^(2 * bitrev(i) + 1)), psi the table's minimal primitive 2N-th root.
// Inverse: the exact inverse, output reduced to [0, q). The butterflies run through a kernel chosen
// when the tables are built, so a vectorised kernel (AVX-512 IFMA, issue 6; AVX2, issue 21) can
// replace the portable scalar one at run time; every kernel must produce bit-identical results.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "ckks/aligned_vector.hpp"
#include "ckks/modulus.hpp"

namespace hesplit::ckks {

class NttTables;

struct NttKernel {
  std::string_view name;
  void (*forward)(std::uint64_t* values, const NttTables& tables);
  void (*inverse)(std::uint64_t* values, const NttTables& tables);
  // Whether it reads the tables' double-precision roots (built only for such kernels).
  bool f64_roots = false;
};

// The portable kernel (any q < 2^61).
NttKernel scalar_ntt_kernel() noexcept;
// The fastest kernel of the process's kernel path (kernel_path.hpp) that serves this degree and
// modulus: IFMA (q < 2^50), IFMA-wide (q < 2^60), AVX2 (q < 2^50), AVX2-wide (q < 2^60), else
// scalar. Throws as
// active_kernel_path() does when HESPLIT_CKKS_KERNELS asks for a path the CPU lacks.
NttKernel default_ntt_kernel(std::size_t degree, const Modulus& modulus);

class NttTables {
 public:
  NttTables(std::size_t degree, const Modulus& modulus);
  NttTables(std::size_t degree, const Modulus& modulus, NttKernel kernel);

  std::size_t degree() const noexcept { return degree_; }
  int log_degree() const noexcept { return log_degree_; }
  const Modulus& modulus() const noexcept { return modulus_; }
  std::uint64_t root() const noexcept { return root_; }
  const NttKernel& kernel() const noexcept { return kernel_; }

  // root_powers()[k] = psi^bitrev(k) for k in [0, N) (forward butterflies, Cooley-Tukey order).
  const U64Vector& root_powers() const noexcept { return root_powers_; }
  const U64Vector& root_powers_shoup() const noexcept { return root_powers_shoup_; }
  // inv_root_powers()[k] = psi^-bitrev(k) (inverse butterflies, Gentleman-Sande order).
  const U64Vector& inv_root_powers() const noexcept { return inv_root_powers_; }
  const U64Vector& inv_root_powers_shoup() const noexcept { return inv_root_powers_shoup_; }
  std::uint64_t inv_degree() const noexcept { return inv_degree_; }
  // For kernels with f64_roots (else empty): the roots as balanced doubles w in
  // [-(q-1)/2, (q-1)/2] and w / q rounded, same indexing as root_powers() / inv_root_powers().
  const F64Vector& root_powers_f64() const noexcept { return root_powers_f64_; }
  const F64Vector& root_quotients_f64() const noexcept { return root_quotients_f64_; }
  const F64Vector& inv_root_powers_f64() const noexcept { return inv_root_powers_f64_; }
  const F64Vector& inv_root_quotients_f64() const noexcept { return inv_root_quotients_f64_; }
  std::uint64_t inv_degree_shoup() const noexcept { return inv_degree_shoup_; }

  void forward(std::uint64_t* values) const { kernel_.forward(values, *this); }
  void inverse(std::uint64_t* values) const { kernel_.inverse(values, *this); }

 private:
  void build_f64_roots();

  std::size_t degree_;
  int log_degree_;
  Modulus modulus_;
  std::uint64_t root_ = 0;
  U64Vector root_powers_, root_powers_shoup_;
  U64Vector inv_root_powers_, inv_root_powers_shoup_;
  std::uint64_t inv_degree_ = 0, inv_degree_shoup_ = 0;
  F64Vector root_powers_f64_, root_quotients_f64_;
  F64Vector inv_root_powers_f64_, inv_root_quotients_f64_;
  NttKernel kernel_;
};

// Reverses the low `bits` bits of x.
std::uint32_t bit_reverse(std::uint32_t x, int bits) noexcept;

}  // namespace hesplit::ckks
