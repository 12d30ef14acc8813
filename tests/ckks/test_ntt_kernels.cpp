// The vector NTT kernels, AVX-512 IFMA (issue 6) and AVX2 (issue 21), against the portable scalar
// kernel: bit-identical outputs for every degree and prime size they serve, over the whole lazy
// input range. Skipped (with a message) on CPUs without the instructions.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "ckks/aligned_vector.hpp"
#include "ckks/kernel_path.hpp"
#include "ckks/ntt.hpp"
#include "ckks/ntt_avx2.hpp"
#include "ckks/ntt_ifma.hpp"
#include "ckks/primes.hpp"
#include "ckks/simd_kernels.hpp"

namespace hesplit::ckks {
namespace {

// splitmix64: deterministic test inputs (not cryptographic randomness).
std::uint64_t next(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

TEST(NttKernels, DefaultKernelFollowsCpuAndModulus) {
  const std::vector<int> big = {60};
  const std::vector<int> small = {49};
  const NttTables t60(8192, Modulus(generate_ntt_primes(big, 8192)[0]));
  const NttTables t49(8192, Modulus(generate_ntt_primes(small, 8192)[0]));
  const std::vector<int> top = {61};
  const NttTables t61(8192, Modulus(generate_ntt_primes(top, 8192)[0]));
  EXPECT_EQ(t61.kernel().name, "scalar");
  const KernelPath path = active_kernel_path();
  EXPECT_EQ(t60.kernel().name, path == KernelPath::ifma   ? "avx512ifma-wide"
                               : path == KernelPath::avx2 ? "avx2-wide"
                                                          : "scalar");
  EXPECT_EQ(t49.kernel().name, path == KernelPath::ifma   ? "avx512ifma"
                               : path == KernelPath::avx2 ? "avx2"
                                                          : "scalar");
  // Without HESPLIT_CKKS_KERNELS the process runs the fastest path of its CPU.
  if (std::getenv("HESPLIT_CKKS_KERNELS") == nullptr) {
    EXPECT_EQ(path, cpu_has_avx512_ifma() ? KernelPath::ifma
                    : cpu_has_avx2_fma()  ? KernelPath::avx2
                                          : KernelPath::scalar);
  }
}

// HESPLIT_CKKS_KERNELS: every name, the CPU's best by default, a refusal naming what is missing.
TEST(KernelPath, ResolvesForcedAndDefaultPaths) {
  const auto everything = [](KernelPath) { return true; };
  const auto avx2_only = [](KernelPath p) { return p != KernelPath::ifma; };
  const auto scalar_only = [](KernelPath p) { return p == KernelPath::scalar; };
  EXPECT_EQ(resolve_kernel_path(std::nullopt, everything), KernelPath::ifma);
  EXPECT_EQ(resolve_kernel_path(std::nullopt, avx2_only), KernelPath::avx2);
  EXPECT_EQ(resolve_kernel_path(std::nullopt, scalar_only), KernelPath::scalar);
  EXPECT_EQ(resolve_kernel_path("", avx2_only), KernelPath::avx2);
  EXPECT_EQ(resolve_kernel_path("scalar", everything), KernelPath::scalar);
  EXPECT_EQ(resolve_kernel_path("avx2", everything), KernelPath::avx2);
  EXPECT_EQ(resolve_kernel_path("avx512", everything), KernelPath::ifma);
  EXPECT_EQ(resolve_kernel_path("ifma", everything), KernelPath::ifma);
  EXPECT_THROW(resolve_kernel_path("ifma", avx2_only), std::invalid_argument);
  EXPECT_THROW(resolve_kernel_path("avx512", avx2_only), std::invalid_argument);
  EXPECT_THROW(resolve_kernel_path("avx2", scalar_only), std::invalid_argument);
  EXPECT_THROW(resolve_kernel_path("sse", everything), std::invalid_argument);
  try {
    resolve_kernel_path("avx2", scalar_only);
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("HESPLIT_CKKS_KERNELS=avx2"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("cannot run"), std::string::npos);
  }
}

// The AVX2 kernel against the scalar one: every degree from 16 to 16384, primes of 20 to 50 bits
// (the double-precision path's range), inputs at the lazy extremes (forward: up to 4q - 1,
// inverse: up to 2q - 1) and at 0, and random ones.
// `kernel`'s tables against the scalar kernel's, forward and inverse, over four rounds: the top of
// the lazy input ranges (4q - 1 forward, 2q - 1 inverse, stepping down by i mod `step`), zeros
// between them, then random inputs.
void expect_matches_scalar(const NttTables& kernel, std::uint64_t& state, std::size_t step) {
  const std::size_t n = kernel.degree();
  const NttTables scalar(n, kernel.modulus(), scalar_ntt_kernel());
  const std::uint64_t q = kernel.modulus().value();
  for (int round = 0; round < 4; ++round) {
    U64Vector a(n), b(n), c(n), d(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (round == 0) {
        a[i] = 4 * q - 1 - (i % step);
        c[i] = 2 * q - 1 - (i % 2);
      } else if (round == 1) {
        a[i] = (i % 3 == 0) ? 0 : 4 * q - 1;
        c[i] = (i % 3 == 0) ? 0 : 2 * q - 1;
      } else {
        a[i] = next(state) % (4 * q);
        c[i] = next(state) % (2 * q);
      }
    }
    b = a;
    d = c;
    scalar.forward(a.data());
    kernel.forward(b.data());
    ASSERT_EQ(a, b) << "forward N=" << n << " q=" << q << " round " << round;
    scalar.inverse(c.data());
    kernel.inverse(d.data());
    ASSERT_EQ(c, d) << "inverse N=" << n << " q=" << q << " round " << round;
  }
}

TEST(NttKernels, Avx2IsBitIdenticalToScalar) {
  if (!cpu_has_avx2_fma()) GTEST_SKIP() << "this CPU has no AVX2 + FMA";
  std::uint64_t state = 2121;
  for (const std::size_t n : {16u, 32u, 64u, 128u, 1024u, 4096u, 8192u, 16384u}) {
    for (const int bits : {20, 21, 30, 40, 45, 48, 49, 50}) {
      if (bits < 2 + std::countr_zero(2 * n)) continue;
      const std::vector<int> sizes = {bits};
      const Modulus m(generate_ntt_primes(sizes, n)[0]);
      ASSERT_TRUE(avx2_kernel_supports(n, m));
      expect_matches_scalar(NttTables(n, m, avx2_ntt_kernel()), state, 2);
    }
  }
  const std::vector<int> wide = {51};
  EXPECT_FALSE(avx2_kernel_supports(8192, Modulus(generate_ntt_primes(wide, 8192)[0])));
  EXPECT_FALSE(avx2_kernel_supports(8, Modulus(generate_ntt_primes({{20}}, 8)[0])));
}

// The 32-bit-limb AVX2 kernel: primes up to 60 bits, the same extremes.
TEST(NttKernels, Avx2WideIsBitIdenticalToScalar) {
  if (!cpu_has_avx2_fma()) GTEST_SKIP() << "this CPU has no AVX2 + FMA";
  std::uint64_t state = 4343;
  for (const std::size_t n : {16u, 32u, 64u, 4096u, 8192u, 16384u}) {
    for (const int bits : {20, 30, 40, 50, 51, 55, 59, 60}) {
      if (bits < 2 + std::countr_zero(2 * n)) continue;
      const std::vector<int> sizes = {bits};
      const Modulus m(generate_ntt_primes(sizes, n)[0]);
      ASSERT_TRUE(avx2_wide_kernel_supports(n, m));
      expect_matches_scalar(NttTables(n, m, avx2_wide_ntt_kernel()), state, 3);
    }
  }
  const std::vector<int> top = {61};
  EXPECT_FALSE(avx2_wide_kernel_supports(8192, Modulus(generate_ntt_primes(top, 8192)[0])));
}

TEST(NttKernels, Avx2RoundTrips) {
  if (!cpu_has_avx2_fma()) GTEST_SKIP() << "this CPU has no AVX2 + FMA";
  for (const int bits : {40, 50}) {
    const std::vector<int> sizes = {bits};
    const Modulus m(generate_ntt_primes(sizes, 8192)[0]);
    const NttTables avx2(8192, m, avx2_ntt_kernel());
    std::uint64_t state = 7;
    U64Vector a(8192);
    for (auto& v : a) v = next(state) % m.value();
    const U64Vector original = a;
    avx2.forward(a.data());
    avx2.inverse(a.data());
    EXPECT_EQ(a, original) << bits << " bits";
  }
}

TEST(NttKernels, IfmaIsBitIdenticalToScalar) {
  if (!cpu_has_avx512_ifma()) GTEST_SKIP() << "this CPU has no AVX-512 IFMA";
  std::uint64_t state = 12345;
  for (const std::size_t n : {16u, 32u, 64u, 1024u, 4096u, 8192u, 16384u}) {
    for (const int bits : {20, 30, 40, 49, 50}) {
      if (bits < 2 + std::countr_zero(2 * n)) continue;
      const std::vector<int> sizes = {bits};
      const Modulus m(generate_ntt_primes(sizes, n)[0]);
      ASSERT_TRUE(ifma_kernel_supports(n, m));
      const NttTables scalar(n, m, scalar_ntt_kernel());
      const NttTables ifma(n, m, ifma_ntt_kernel());
      const std::uint64_t q = m.value();
      for (int round = 0; round < 3; ++round) {
        // Forward accepts any input below 4q, inverse below 2q; include the extremes.
        U64Vector a(n), b(n), c(n), d(n);
        for (std::size_t i = 0; i < n; ++i) {
          a[i] = round == 0 ? 4 * q - 1 - (i % 2) : next(state) % (4 * q);
          c[i] = round == 0 ? 2 * q - 1 : next(state) % (2 * q);
        }
        b = a;
        d = c;
        scalar.forward(a.data());
        ifma.forward(b.data());
        ASSERT_EQ(a, b) << "forward N=" << n << " q=" << q;
        scalar.inverse(c.data());
        ifma.inverse(d.data());
        ASSERT_EQ(c, d) << "inverse N=" << n << " q=" << q;
        for (std::size_t i = 0; i < n; ++i) ASSERT_LT(b[i], q);
      }
    }
  }
}

TEST(NttKernels, IfmaWideIsBitIdenticalToScalar) {
  if (!cpu_has_avx512_ifma()) GTEST_SKIP() << "this CPU has no AVX-512 IFMA";
  std::uint64_t state = 999;
  for (const std::size_t n : {16u, 64u, 4096u, 8192u, 16384u}) {
    for (const int bits : {30, 50, 51, 55, 59, 60}) {
      const std::vector<int> sizes = {bits};
      const Modulus m(generate_ntt_primes(sizes, n)[0]);
      ASSERT_TRUE(ifma_wide_kernel_supports(n, m));
      const NttTables scalar(n, m, scalar_ntt_kernel());
      const NttTables wide(n, m, ifma_wide_ntt_kernel());
      const std::uint64_t q = m.value();
      for (int round = 0; round < 3; ++round) {
        U64Vector a(n), b(n), c(n), d(n);
        for (std::size_t i = 0; i < n; ++i) {
          a[i] = round == 0 ? 4 * q - 1 - (i % 3) : next(state) % (4 * q);
          c[i] = round == 0 ? 2 * q - 1 - (i % 2) : next(state) % (2 * q);
        }
        b = a;
        d = c;
        scalar.forward(a.data());
        wide.forward(b.data());
        ASSERT_EQ(a, b) << "forward N=" << n << " q=" << q;
        scalar.inverse(c.data());
        wide.inverse(d.data());
        ASSERT_EQ(c, d) << "inverse N=" << n << " q=" << q;
      }
    }
  }
}

TEST(NttKernels, IfmaRoundTrips) {
  if (!cpu_has_avx512_ifma()) GTEST_SKIP() << "this CPU has no AVX-512 IFMA";
  const std::vector<int> sizes = {50};
  const Modulus m(generate_ntt_primes(sizes, 8192)[0]);
  const NttTables ifma(8192, m, ifma_ntt_kernel());
  std::uint64_t state = 7;
  U64Vector a(8192);
  for (auto& v : a) v = next(state) % m.value();
  const U64Vector original = a;
  ifma.forward(a.data());
  ifma.inverse(a.data());
  EXPECT_EQ(a, original);
}

// The vector paths this CPU runs, with their tables of element-wise kernels.
struct VectorPath {
  KernelPath path;
  simd::KernelTable table;
};

std::vector<VectorPath> vector_paths() {
  std::vector<VectorPath> paths;
  for (const KernelPath path : {KernelPath::ifma, KernelPath::avx2}) {
    if (cpu_runs(path)) paths.push_back({path, simd::kernel_table(path)});
  }
  return paths;
}

// Whether a path's modular products serve q: below 2^50 (IFMA's 52-bit lanes, AVX2's doubles),
// or below 2^60 where the path has a wide form of the loop (wide_ifma, wide_avx2).
bool serves(KernelPath path, std::uint64_t q, bool wide_ifma, bool wide_avx2) {
  constexpr std::uint64_t kBit50 = std::uint64_t{1} << 50, kBit60 = std::uint64_t{1} << 60;
  const bool wide = path == KernelPath::ifma ? wide_ifma : wide_avx2;
  return q < (wide ? kBit60 : kBit50);
}

#define FOR_EACH_VECTOR_PATH(vp)                                                          \
  const std::vector<VectorPath> paths_ = vector_paths();                                  \
  if (paths_.empty()) GTEST_SKIP() << "this CPU has neither AVX-512 IFMA nor AVX2 + FMA"; \
  for (const VectorPath& vp : paths_)

// The vector loops of key switching against their scalar definitions, on every prime-size pair
// the presets use and the ends of the 20-60 bit range (and odd lengths, so the scalar tails run
// too), inputs at 0 and q - 1 included.
TEST(SimdKernels, LiftAndModDownAreBitIdenticalToScalar) {
  FOR_EACH_VECTOR_PATH(vp) {
    const std::string path(kernel_path_name(vp.path));
    std::uint64_t state = 4242;
    for (const int from_bits : {20, 21, 40, 50, 60, 61}) {
      for (const int to_bits : {20, 21, 40, 49, 50, 59, 60}) {
        const std::vector<int> sizes = {from_bits, to_bits};
        const std::vector<std::uint64_t> primes = generate_ntt_primes(sizes, 4096);
        const std::uint64_t q = primes[0];
        const Modulus t(primes[1]);
        const std::uint64_t q_mod_t = q % t.value();
        for (const std::size_t n : {8u, 13u, 4096u}) {
          std::vector<std::uint64_t> in(n), got(n), want(n);
          for (std::size_t k = 0; k < n; ++k) {
            in[k] = k < 4 ? q - 1 - k : (k < 6 ? k - 4 : next(state) % q);
          }
          const bool lifted =
              vp.table.lift_one_prime(in.data(), got.data(), n, q, t.value(), q_mod_t);
          // AVX2: t < 2^50 (doubles), or q <= 2t (one conditional subtraction).
          ASSERT_EQ(lifted, vp.path == KernelPath::ifma ||
                                serves(vp.path, t.value(), false, false) || q <= 2 * t.value())
              << path;
          for (std::size_t k = 0; k < n; ++k) {
            const std::uint64_t xm = reduce_u64(in[k], t);
            want[k] = in[k] > (q >> 1) ? sub_mod(xm, q_mod_t, t.value()) : xm;
          }
          if (lifted) {
            ASSERT_EQ(got, want) << path << " lift " << from_bits << " -> " << to_bits
                                 << " bits, n=" << n;
          }

          const std::uint64_t tq = t.value();
          std::vector<std::uint64_t> p(n), lift(n), out(n);
          for (std::size_t k = 0; k < n; ++k) {
            p[k] = k == 1 ? 0 : next(state) % tq;
            lift[k] = k == 0 ? tq - 1 : next(state) % tq;
            out[k] = k == 2 ? tq - 1 : next(state) % tq;
          }
          const std::uint64_t w = next(state) % tq;
          const std::uint64_t ws = shoup_precompute(w, tq);
          std::vector<std::uint64_t> expect = out;
          for (std::size_t k = 0; k < n; ++k) {
            expect[k] = add_mod(expect[k], mul_shoup(p[k] + tq - lift[k], w, ws, tq), tq);
          }
          const bool vector =
              vp.table.mod_down_accumulate(out.data(), p.data(), lift.data(), n, tq, w, ws);
          ASSERT_EQ(vector, serves(vp.path, tq, true, true)) << path << " mod down " << to_bits;
          if (vector) {
            ASSERT_EQ(out, expect) << path << " mod down " << to_bits << " bits, n=" << n;
          }
        }
      }
    }
  }
}

TEST(SimdKernels, InnerProductIsBitIdenticalToScalar) {
  FOR_EACH_VECTOR_PATH(vp) {
    const std::string path(kernel_path_name(vp.path));
    std::uint64_t state = 77;
    constexpr std::size_t n = 1024;
    for (const int bits : {20, 21, 40, 49, 50, 51, 55, 59, 60}) {
      const std::vector<int> sizes = {bits};
      const Modulus m(generate_ntt_primes(sizes, n)[0]);
      const std::uint64_t q = m.value();
      for (const std::size_t count : {1u, 2u, 3u, 4u, 6u, 8u}) {
        // The wide paths (q >= 2^50) serve up to 4 digits.
        const bool served = serves(vp.path, q, count <= 4, count <= 4);
        std::vector<std::vector<std::uint64_t>> x(count, std::vector<std::uint64_t>(n)), kb = x,
                                                                                         ka = x;
        std::vector<const std::uint64_t*> xp, kbp, kap;
        for (std::size_t d = 0; d < count; ++d) {
          for (std::size_t k = 0; k < n; ++k) {
            x[d][k] = k < 2 ? q - 1 : (k < 4 ? 0 : next(state) % q);
            kb[d][k] = k < 3 ? q - 1 : next(state) % q;
            ka[d][k] = k < 2 ? q - 1 : next(state) % q;
          }
          xp.push_back(x[d].data());
          kbp.push_back(kb[d].data());
          kap.push_back(ka[d].data());
        }
        std::vector<std::uint32_t> perm(n);
        for (std::size_t k = 0; k < n; ++k) perm[k] = static_cast<std::uint32_t>((k * 389 + 7) % n);
        for (const bool permuted : {false, true}) {
          std::vector<std::uint64_t> gb(n), ga(n), wb(n), wa(n);
          const bool vector = vp.table.inner_product_pair(count, xp.data(), kbp.data(), kap.data(),
                                                          permuted ? perm.data() : nullptr, q,
                                                          gb.data(), ga.data(), n);
          ASSERT_EQ(vector, served) << path << " " << bits << " bits, " << count << " digits";
          if (!vector) continue;
          for (std::size_t k = 0; k < n; ++k) {
            const std::size_t src = permuted ? perm[k] : k;
            u128 sb = 0, sa = 0;
            for (std::size_t d = 0; d < count; ++d) {
              sb += static_cast<u128>(x[d][src]) * kb[d][k];
              sa += static_cast<u128>(x[d][src]) * ka[d][k];
            }
            wb[k] = reduce_u128(sb, m);
            wa[k] = reduce_u128(sa, m);
          }
          ASSERT_EQ(gb, wb) << path << " " << bits << " bits, " << count << " digits, permuted "
                            << permuted;
          ASSERT_EQ(ga, wa) << path << " " << bits << " bits, " << count << " digits, permuted "
                            << permuted;
        }
      }
    }
  }
}

TEST(SimdKernels, ElementwiseOpsAreBitIdenticalToScalar) {
  FOR_EACH_VECTOR_PATH(vp) {
    const std::string path(kernel_path_name(vp.path));
    std::uint64_t state = 31337;
    constexpr std::size_t n = 256;
    for (const int bits : {20, 21, 40, 49, 50, 60, 61}) {
      const std::vector<int> sizes = {bits};
      const Modulus m(generate_ntt_primes(sizes, n)[0]);
      const std::uint64_t q = m.value();
      std::vector<std::uint64_t> a(n), b(n), c(n), d(n);
      for (std::size_t k = 0; k < n; ++k) {
        a[k] = k < 3 ? q - 1 : (k == 4 ? 0 : next(state) % q);
        b[k] = k < 2 ? q - 1 : (k == 2 || k == 5 ? 0 : next(state) % q);
        c[k] = k == 6 ? q - 1 : next(state) % q;
        d[k] = k == 6 ? q - 1 : next(state) % q;
      }
      std::vector<std::uint64_t> got = a, want = a;
      ASSERT_TRUE(vp.table.add(got.data(), b.data(), n, q)) << path;
      for (std::size_t k = 0; k < n; ++k) want[k] = add_mod(a[k], b[k], q);
      ASSERT_EQ(got, want) << path << " add, " << bits << " bits";
      got = a;
      ASSERT_TRUE(vp.table.sub(got.data(), b.data(), n, q)) << path;
      for (std::size_t k = 0; k < n; ++k) want[k] = sub_mod(a[k], b[k], q);
      ASSERT_EQ(got, want) << path << " sub, " << bits << " bits";
      if (bits > 50) {
        EXPECT_FALSE(vp.table.mul(got.data(), a.data(), b.data(), n, q)) << path;
        continue;
      }
      ASSERT_TRUE(vp.table.mul(got.data(), a.data(), b.data(), n, q)) << path;
      for (std::size_t k = 0; k < n; ++k) want[k] = mul_mod(a[k], b[k], m);
      ASSERT_EQ(got, want) << path << " mul, " << bits << " bits";
      std::vector<std::uint64_t> r0(n), r1(n), r2(n);
      ASSERT_TRUE(vp.table.tensor(a.data(), b.data(), c.data(), d.data(), r0.data(), r1.data(),
                                  r2.data(), n, q))
          << path;
      for (std::size_t k = 0; k < n; ++k) {
        ASSERT_EQ(r0[k], mul_mod(a[k], c[k], m)) << path;
        ASSERT_EQ(r1[k],
                  reduce_u128(static_cast<u128>(a[k]) * d[k] + static_cast<u128>(b[k]) * c[k], m))
            << path;
        ASSERT_EQ(r2[k], mul_mod(b[k], d[k], m)) << path;
      }
    }
  }
}

// The forward's fused product sum_t a_t (b_t + p_t) against 128-bit scalar sums, with operands
// at q - 1 (the largest lazy sums) and without plaintexts.
TEST(SimdKernels, TensorSumIsBitIdenticalToScalar) {
  FOR_EACH_VECTOR_PATH(vp) {
    const std::string path(kernel_path_name(vp.path));
    std::uint64_t state = 4242;
    constexpr std::size_t n = 64;
    for (const int bits : {20, 21, 40, 49, 50, 51}) {
      const std::vector<int> sizes = {bits};
      const Modulus m(generate_ntt_primes(sizes, n)[0]);
      const std::uint64_t q = m.value();
      for (std::size_t count = 1; count <= simd::kMaxTensorSumTerms + 1; ++count) {
        // Operands: a0, a1, b0, b1, p per term.
        std::vector<std::vector<std::uint64_t>> v(5 * count, std::vector<std::uint64_t>(n));
        std::vector<const std::uint64_t*> ptr(5 * count);
        for (std::size_t j = 0; j < v.size(); ++j) {
          for (std::size_t k = 0; k < n; ++k) {
            v[j][k] = k < 4 ? q - 1 : (k == 4 ? 0 : next(state) % q);
          }
          ptr[j] = v[j].data();
        }
        for (const bool with_plain : {true, false}) {
          if (!with_plain) {
            for (std::size_t t = 0; t < count; ++t) ptr[4 * count + t] = nullptr;
          }
          std::vector<std::uint64_t> r0(n), r1(n), r2(n);
          const auto* const* p = ptr.data();
          const bool vector =
              vp.table.tensor_sum(count, p, p + count, p + 2 * count, p + 3 * count, p + 4 * count,
                                  r0.data(), r1.data(), r2.data(), n, q);
          if (bits > 50 || count > simd::kMaxTensorSumTerms) {
            EXPECT_FALSE(vector) << path << " " << bits << " bits, " << count << " terms";
            continue;
          }
          ASSERT_TRUE(vector) << path;
          for (std::size_t k = 0; k < n; ++k) {
            u128 s0 = 0, s1 = 0, s2 = 0;
            for (std::size_t t = 0; t < count; ++t) {
              const std::uint64_t a0 = v[t][k], a1 = v[count + t][k];
              const std::uint64_t b0 = v[2 * count + t][k], b1 = v[3 * count + t][k];
              const std::uint64_t y0 = with_plain ? add_mod(b0, v[4 * count + t][k], q) : b0;
              s0 += static_cast<u128>(a0) * y0;
              s1 += static_cast<u128>(a0) * b1 + static_cast<u128>(a1) * y0;
              s2 += static_cast<u128>(a1) * b1;
            }
            ASSERT_EQ(r0[k], reduce_u128(s0, m)) << path << " " << bits << " bits, " << count;
            ASSERT_EQ(r1[k], reduce_u128(s1, m)) << path << " " << bits << " bits, " << count;
            ASSERT_EQ(r2[k], reduce_u128(s2, m)) << path << " " << bits << " bits, " << count;
          }
        }
      }
    }
  }
}

TEST(SimdKernels, RescaleLoopsAreBitIdenticalToScalar) {
  FOR_EACH_VECTOR_PATH(vp) {
    const std::string path(kernel_path_name(vp.path));
    std::uint64_t state = 555;
    constexpr std::size_t n = 128;
    for (const int bits : {20, 21, 40, 50, 51, 55, 59, 60}) {
      const std::vector<int> sizes = {bits, 60};
      const std::vector<std::uint64_t> primes = generate_ntt_primes(sizes, n);
      const Modulus m(primes[0]);
      const std::uint64_t q = m.value(), big = primes[1];
      std::vector<std::uint64_t> a(n), in(n), sub(n);
      for (std::size_t k = 0; k < n; ++k) {
        a[k] = k == 0 ? q - 1 : (k == 2 ? 0 : next(state) % q);
        in[k] = k == 0 ? big - 1 : (k == 3 ? 0 : next(state) % big);  // a larger prime's residue
        sub[k] = k == 1 ? q - 1 : (k == 2 ? 0 : next(state) % q);
      }
      for (const std::uint64_t c : {next(state) % q, std::uint64_t{0}, q - 1}) {
        std::vector<std::uint64_t> got = a, want(n);
        ASSERT_TRUE(vp.table.add_constant(got.data(), c, n, q)) << path;
        for (std::size_t k = 0; k < n; ++k) want[k] = add_mod(a[k], c, q);
        ASSERT_EQ(got, want) << path << " add_constant " << bits;
        const bool reduced = vp.table.reduce_sub(in.data(), got.data(), c, n, q);
        ASSERT_EQ(reduced, serves(vp.path, q, true, true)) << path << " reduce_sub " << bits;
        for (std::size_t k = 0; k < n; ++k) want[k] = sub_mod(reduce_u64(in[k], m), c, q);
        if (reduced) {
          ASSERT_EQ(got, want) << path << " reduce_sub " << bits;
        }
      }
      for (const std::uint64_t w : {next(state) % q, std::uint64_t{1}, q - 1}) {
        const std::uint64_t ws = shoup_precompute(w, q);
        std::vector<std::uint64_t> got = a, want(n);
        const bool vector = vp.table.mul_difference(got.data(), sub.data(), n, q, w, ws);
        ASSERT_EQ(vector, serves(vp.path, q, true, true)) << path << " mul_difference " << bits;
        for (std::size_t k = 0; k < n; ++k) want[k] = mul_shoup(a[k] + q - sub[k], w, ws, q);
        if (vector) {
          ASSERT_EQ(got, want) << path << " mul_difference " << bits;
        }
      }
    }
  }
}

// The scalar path declines everything, so the callers' scalar loops run.
TEST(SimdKernels, ScalarPathDeclines) {
  const simd::KernelTable scalar = simd::kernel_table(KernelPath::scalar);
  std::vector<std::uint64_t> a(8, 1), b(8, 2);
  EXPECT_FALSE(scalar.add(a.data(), b.data(), 8, 97));
  EXPECT_FALSE(scalar.mul(a.data(), a.data(), b.data(), 8, 97));
  EXPECT_FALSE(scalar.add_constant(a.data(), 3, 8, 97));
}

}  // namespace
}  // namespace hesplit::ckks
