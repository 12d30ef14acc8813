// RNS bases, exact CRT composition and fast basis extension against exact GMP big integers.

#include <gmpxx.h>
#include <gtest/gtest.h>

#include <vector>

#include "ckks/base_converter.hpp"
#include "ckks/primes.hpp"
#include "ckks/rns_basis.hpp"
#include "ckks_test_util.hpp"

namespace hesplit::ckks {
namespace {

using test::TestWords;

mpz_class to_mpz(std::uint64_t v) {
  mpz_class z;
  mpz_import(z.get_mpz_t(), 1, -1, sizeof(v), 0, 0, &v);
  return z;
}

mpz_class words_to_mpz(std::span<const std::uint64_t> words) {
  mpz_class z;
  mpz_import(z.get_mpz_t(), words.size(), -1, sizeof(std::uint64_t), 0, 0, words.data());
  return z;
}

std::uint64_t mod_of(const mpz_class& x, std::uint64_t m) {
  mpz_class r;
  mpz_fdiv_r(r.get_mpz_t(), x.get_mpz_t(), to_mpz(m).get_mpz_t());
  return r.get_ui();
}

std::vector<Modulus> moduli_of(const std::vector<std::uint64_t>& primes) {
  return {primes.begin(), primes.end()};
}

TEST(RnsBasis, ComposeMatchesGmpCrt) {
  const std::vector<std::uint64_t> primes =
      generate_ntt_primes(std::vector<int>{60, 50, 50, 40, 61, 30}, 4096);
  for (std::size_t r = 1; r <= primes.size(); ++r) {
    const RnsBasis basis(moduli_of(std::vector<std::uint64_t>(primes.begin(), primes.begin() + r)));
    mpz_class product = 1;
    for (std::size_t i = 0; i < r; ++i) product *= to_mpz(primes[i]);
    ASSERT_EQ(words_to_mpz(basis.product()), product);
    TestWords w(r);
    for (int t = 0; t < 700; ++t) {
      // A random x in [0, M) (including the extremes), via its residues.
      mpz_class x;
      if (t == 0) {
        x = 0;
      } else if (t == 1) {
        x = product - 1;
      } else if (t == 2) {
        x = product / 2;
      } else if (t < 200) {
        // Small centred values (the decoding fast path), both signs, up to about 2^130.
        mpz_class small = 0;
        for (int k = 0; k < 3; ++k) small = (small << 64) + to_mpz(w.next());
        small >>= (192 - (t % 131));
        x = (t % 2 == 0) ? small % product : mpz_class((product - small % product) % product);
      } else {
        x = 0;
        for (std::size_t k = 0; k <= r; ++k) x = (x << 64) + to_mpz(w.next());
        x %= product;
      }
      std::vector<std::uint64_t> residues(r);
      for (std::size_t i = 0; i < r; ++i) residues[i] = mod_of(x, primes[i]);
      std::vector<std::uint64_t> out(basis.word_count());
      basis.compose(residues, out);
      ASSERT_EQ(words_to_mpz(out), x);
      // Centred value, as long double, vs GMP's exact centred value rounded.
      mpz_class centred = (x > product / 2) ? mpz_class(x - product) : x;
      const long double got = basis.compose_centered(residues);
      // Reference: the top 64 bits of |centred| (GMP, truncated), scaled; the library rounds.
      mpz_class mag = abs(centred);
      const long bits = static_cast<long>(mpz_sizeinbase(mag.get_mpz_t(), 2));
      const long shift = std::max(0L, bits - 64);
      const mpz_class top = mag >> shift;
      long double want =
          std::ldexp(static_cast<long double>(top.get_ui()), static_cast<int>(shift));
      if (centred < 0) want = -want;
      // Equal up to the last bit of a 64-bit mantissa (exact below 2^64).
      ASSERT_LE(std::fabs(got - want), std::fabs(want) * 0x1p-63L) << "t=" << t;
      if (bits <= 64) {
        ASSERT_EQ(got, want) << "t=" << t;
      }
    }
  }
}

// x' = x + u M with |u| <= r / 2 and x' centred: checked exactly with GMP.
TEST(BaseConverter, CentredExtensionIsExactUpToSmallMultipleOfM) {
  const std::size_t n = 64;
  const std::vector<std::uint64_t> all =
      generate_ntt_primes(std::vector<int>{50, 50, 40, 60, 60, 45, 30}, 4096);
  for (const std::size_t r : {std::size_t{1}, std::size_t{2}, std::size_t{3}}) {
    const std::vector<std::uint64_t> from(all.begin(), all.begin() + r);
    const std::vector<std::uint64_t> to(all.begin() + r, all.end());
    const BaseConverter conv(RnsBasis(moduli_of(from)), moduli_of(to));
    mpz_class product = 1;
    for (auto p : from) product *= to_mpz(p);
    TestWords w(r + 10);
    std::vector<mpz_class> xs(n);
    std::vector<std::uint64_t> in(r * n), out(to.size() * n), scratch(r * n);
    for (std::size_t k = 0; k < n; ++k) {
      mpz_class x = 0;
      for (std::size_t j = 0; j <= r; ++j) x = (x << 64) + to_mpz(w.next());
      xs[k] = x % product;
      if (k == 0) xs[k] = 0;
      if (k == 1) xs[k] = product - 1;
      for (std::size_t i = 0; i < r; ++i) in[i * n + k] = mod_of(xs[k], from[i]);
    }
    conv.convert(in.data(), out.data(), n, scratch.data());
    for (std::size_t k = 0; k < n; ++k) {
      // Recover x' by CRT over the target basis (its product exceeds r M by far).
      mpz_class target_product = 1;
      for (auto p : to) target_product *= to_mpz(p);
      mpz_class lifted = 0;
      for (std::size_t j = 0; j < to.size(); ++j) {
        const mpz_class pj = to_mpz(to[j]);
        const mpz_class punct = target_product / pj;
        mpz_class inv;
        mpz_invert(inv.get_mpz_t(), mpz_class(punct % pj).get_mpz_t(), pj.get_mpz_t());
        lifted += to_mpz(out[j * n + k]) * ((inv * punct) % target_product);
      }
      lifted %= target_product;
      if (lifted > target_product / 2) lifted -= target_product;
      const mpz_class diff = lifted - xs[k];
      ASSERT_EQ(mpz_class(diff % product), 0) << "k=" << k;
      mpz_class u = diff / product;
      ASSERT_LE(abs(u), mpz_class(static_cast<unsigned long>(r / 2 + 1))) << "k=" << k;
      // Centred: |x'| <= r M / 2 + M.
      ASSERT_LE(abs(lifted) * 2, product * static_cast<unsigned long>(r + 2));
      if (r == 1) {
        mpz_class centred = xs[k] > product / 2 ? mpz_class(xs[k] - product) : xs[k];
        ASSERT_EQ(lifted, centred);
      }
    }
  }
}

}  // namespace
}  // namespace hesplit::ckks
