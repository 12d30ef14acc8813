// NTT, modular arithmetic and prime generation against independent oracles: schoolbook
// negacyclic products, direct polynomial evaluation, 128-bit '%' and GMP primality.

#include <gmpxx.h>
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "ckks/galois.hpp"
#include "ckks/modulus.hpp"
#include "ckks/ntt.hpp"
#include "ckks/ntt_ifma.hpp"
#include "ckks/primes.hpp"
#include "ckks_test_util.hpp"

namespace hesplit::ckks {
namespace {

using test::TestWords;

TEST(Modulus, BarrettAndShoupMatchPlainRemainder) {
  TestWords w(1);
  for (const int bits : {2, 17, 30, 40, 50, 59, 60, 61}) {
    const std::uint64_t q = bits == 2 ? 3 : ((std::uint64_t{1} << bits) - 1 - (w.next() % 1000));
    const Modulus m(q);
    for (int t = 0; t < 2000; ++t) {
      const std::uint64_t a = w.next() % q;
      const std::uint64_t b = w.next() % q;
      const std::uint64_t want = static_cast<std::uint64_t>(static_cast<u128>(a) * b % q);
      ASSERT_EQ(mul_mod(a, b, m), want);
      ASSERT_EQ(mul_shoup(a, b, shoup_precompute(b, q), q), want);
      const u128 big = (static_cast<u128>(w.next()) << 64) | w.next();
      ASSERT_EQ(reduce_u128(big, m), static_cast<std::uint64_t>(big % q));
      const std::uint64_t x = w.next();
      ASSERT_EQ(reduce_u64(x, m), x % q);
      ASSERT_EQ(reduce_i64(-static_cast<std::int64_t>(x >> 2), m), (q - (x >> 2) % q) % q);
    }
    if (is_prime(q) && q > 3) {
      const std::uint64_t a = 1 + w.next() % (q - 1);
      EXPECT_EQ(mul_mod(a, inv_mod(a, m), m), 1U);
    }
  }
  EXPECT_THROW(Modulus(std::uint64_t{1} << 61), std::invalid_argument);
  EXPECT_THROW(Modulus(1), std::invalid_argument);
}

TEST(Primes, MillerRabinAgreesWithGmp) {
  TestWords w(2);
  for (int t = 0; t < 3000; ++t) {
    const std::uint64_t n = (t < 1000) ? static_cast<std::uint64_t>(t) : (w.next() | 1);
    mpz_class z;
    mpz_import(z.get_mpz_t(), 1, -1, sizeof(n), 0, 0, &n);
    ASSERT_EQ(is_prime(n), mpz_probab_prime_p(z.get_mpz_t(), 40) != 0) << n;
  }
  // Strong pseudoprimes to several small bases.
  EXPECT_FALSE(is_prime(3215031751ULL));
  EXPECT_FALSE(is_prime(3825123056546413051ULL));
  EXPECT_TRUE(is_prime(0x1FFFFFFFFFFFFFFFULL));  // Mersenne prime 2^61 - 1
}

TEST(Primes, GeneratedPrimesAreNttFriendlyDistinctAndDeterministic) {
  const std::vector<int> sizes = {60, 50, 50, 40, 30, 21};
  for (const std::size_t n : {std::size_t{4096}, std::size_t{8192}, std::size_t{16384}}) {
    const auto primes = generate_ntt_primes(sizes, n);
    ASSERT_EQ(primes, generate_ntt_primes(sizes, n));
    for (std::size_t i = 0; i < primes.size(); ++i) {
      mpz_class z(std::to_string(primes[i]));
      EXPECT_NE(mpz_probab_prime_p(z.get_mpz_t(), 40), 0);
      EXPECT_EQ(primes[i] % (2 * n), 1U);
      EXPECT_EQ(std::bit_width(primes[i]), sizes[i]);
      for (std::size_t j = 0; j < i; ++j) EXPECT_NE(primes[i], primes[j]);
    }
  }
  EXPECT_THROW(generate_ntt_primes(std::vector<int>{62}, 8192), std::invalid_argument);
  EXPECT_THROW(generate_ntt_primes(std::vector<int>{14}, 8192), std::invalid_argument);
}

TEST(Ntt, OutputIsEvaluationAtOddPowersInBitReversedOrder) {
  for (const std::size_t n : {std::size_t{8}, std::size_t{64}, std::size_t{256}}) {
    const std::uint64_t q = generate_ntt_primes(std::vector<int>{40}, n)[0];
    const Modulus m(q);
    const NttTables tables(n, m);
    TestWords w(n);
    std::vector<std::uint64_t> a(n);
    for (auto& x : a) x = w.next() % q;
    std::vector<std::uint64_t> t = a;
    tables.forward(t.data());
    const std::uint64_t psi = tables.root();
    ASSERT_EQ(pow_mod(psi, n, m), q - 1);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t point =
          pow_mod(psi, 2 * bit_reverse(static_cast<std::uint32_t>(i), tables.log_degree()) + 1, m);
      std::uint64_t value = 0;  // Horner
      for (std::size_t k = n; k-- > 0;) value = add_mod(mul_mod(value, point, m), a[k], q);
      ASSERT_EQ(t[i], value) << "n=" << n << " i=" << i;
    }
  }
}

TEST(Ntt, ProductsMatchSchoolbookForSeveralDegreesAndPrimes) {
  for (const std::size_t n :
       {std::size_t{16}, std::size_t{128}, std::size_t{1024}, std::size_t{4096}}) {
    for (const int bits : {21, 40, 50, 60, 61}) {
      if (n == 4096 && bits != 50 && bits != 61) continue;  // keep the O(N^2) oracle fast
      const std::uint64_t q = generate_ntt_primes(std::vector<int>{bits}, n)[0];
      const Modulus m(q);
      // The portable kernel and the run-time default (a vector kernel where the CPU allows).
      for (const NttKernel& kernel : {scalar_ntt_kernel(), default_ntt_kernel(n, m)}) {
        const NttTables tables(n, m, kernel);
        TestWords w(n * 100 + static_cast<std::uint64_t>(bits));
        std::vector<std::uint64_t> a(n), b(n);
        for (auto& x : a) x = w.next() % q;
        for (auto& x : b) x = w.next() % q;
        // Extremes: q - 1 everywhere in one case exercises the lazy-reduction headroom.
        if (n == 16) std::fill(a.begin(), a.end(), q - 1);
        const std::vector<std::uint64_t> want = test::schoolbook_negacyclic(a, b, q);
        std::vector<std::uint64_t> fa = a, fb = b;
        tables.forward(fa.data());
        tables.forward(fb.data());
        for (std::size_t k = 0; k < n; ++k) fa[k] = mul_mod(fa[k], fb[k], m);
        tables.inverse(fa.data());
        ASSERT_EQ(fa, want) << "n=" << n << " bits=" << bits << " kernel " << kernel.name;
        std::vector<std::uint64_t> round = a;
        tables.forward(round.data());
        tables.inverse(round.data());
        ASSERT_EQ(round, a);
      }
    }
  }
}

TEST(Galois, NttPermutationMatchesCoefficientAutomorphism) {
  const std::size_t n = 1024;
  const std::uint64_t q = generate_ntt_primes(std::vector<int>{50}, n)[0];
  const NttTables tables(n, Modulus(q));
  std::vector<std::uint32_t> brv(n);
  for (std::size_t i = 0; i < n; ++i) brv[i] = bit_reverse(static_cast<std::uint32_t>(i), 10);
  TestWords w(7);
  std::vector<std::uint64_t> a(n);
  for (auto& x : a) x = w.next() % q;
  std::vector<std::uint64_t> ntt_a = a;
  tables.forward(ntt_a.data());
  for (const std::uint32_t g : {galois_element_for_step(1, n), galois_element_for_step(-3, n),
                                galois_element_for_step(100, n), conjugation_element(n)}) {
    std::vector<std::uint64_t> want(n);
    apply_galois_coeff(a, g, q, want);
    std::vector<std::uint32_t> perm;
    ntt_galois_permutation(g, brv, perm);
    std::vector<std::uint64_t> got(n);
    for (std::size_t i = 0; i < n; ++i) got[i] = ntt_a[perm[i]];
    tables.inverse(got.data());
    ASSERT_EQ(got, want) << "g=" << g;
  }
}

TEST(Ntt, ScalarForwardAt8192IsFast) {
  // A sanity bound only (the benchmark measures precisely): 200 transforms must not take more
  // than 200 ms even on a loaded 2-core CI machine (target is 60 us each).
  const std::size_t n = 8192;
  const std::uint64_t q = generate_ntt_primes(std::vector<int>{50}, n)[0];
  const NttTables tables(n, Modulus(q), scalar_ntt_kernel());
  std::vector<std::uint64_t> a(n, 12345);
  const auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < 200; ++r) tables.forward(a.data());
  const double us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() /
      200.0;
  std::cout << "NTT forward N=8192 (" << tables.kernel().name << " kernel, 50-bit prime): " << us
            << " us\n";
  EXPECT_EQ(tables.kernel().name, "scalar");
  EXPECT_LT(us, 1000.0);
}

}  // namespace
}  // namespace hesplit::ckks
