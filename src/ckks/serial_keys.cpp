// Bodies of key material. All polynomials are NTT form; the secret key is ternary coefficients.
//   public key         u8 form | b | a                  (key basis q_0..q_L, p_0..p_{k-1})
//   seeded public key  u8 form | seed | b
//   key-switching key  u8 form | u32 digits | (b_j, a_j) per digit      (key basis)
//   seeded             u8 form | u32 digits | seed | b_j per digit
//   Galois keys        u32 count | (u32 element | key-switching key) per key, elements ascending
//   secret key         u8 form (2) | N ternary digits, 2 bits each (0 -> 0, 1 -> +1, 2 -> -1)

#include <stdexcept>
#include <string>
#include <vector>

#include "ckks/bit_packing.hpp"
#include "ckks/sampler.hpp"
#include "ckks/serial_bodies.hpp"
#include "ckks/serial_poly.hpp"
#include "ckks/validate.hpp"

namespace hesplit::ckks {
namespace {

constexpr unsigned kTernaryBits = 2;

// The public key lives on the whole key basis (keys.hpp): encryption works mod QP, then divides by
// P.
std::size_t public_key_limbs(const CkksContext& context) { return context.key_basis_size(); }

std::size_t read_digit_count(ByteReader& r, const CkksContext& context) {
  const std::size_t at = r.offset();
  const std::size_t digits = r.u32("digit count");
  if (digits != context.dnum()) {
    ByteReader::fail_at(
        at, "digit count",
        std::to_string(digits) + " differs from the parameters' " + std::to_string(context.dnum()));
  }
  return digits;
}

void check_galois_element(std::uint64_t elt, const CkksContext& context) {
  if (elt % 2 == 0 || elt >= 2 * context.degree()) {
    throw std::invalid_argument("Galois keys: element " + std::to_string(elt) +
                                " is not odd and below 2N");
  }
}

// Shared by full and seeded Galois keys: count, then (element, key) pairs in ascending order.
template <class Key, class WriteKey>
void write_galois_map(ByteWriter& w, const CkksContext& context,
                      const std::map<std::uint32_t, Key>& keys, WriteKey write_key) {
  w.u32(static_cast<std::uint32_t>(keys.size()));
  for (const auto& [elt, key] : keys) {
    check_galois_element(elt, context);
    w.u32(elt);
    write_key(key);
  }
}

template <class Key, class ReadKey>
std::map<std::uint32_t, Key> read_galois_map(ByteReader& r, const CkksContext& context,
                                             std::size_t min_key_bytes, ReadKey read_key) {
  const std::size_t count_at = r.offset();
  const std::size_t count = r.u32("Galois key count");
  // At most one key per odd element below 2N, and each key needs its bytes.
  if (count > context.degree() || count * (4 + min_key_bytes) > r.remaining()) {
    ByteReader::fail_at(count_at, "Galois key count",
                        std::to_string(count) + " keys cannot fit in the " +
                            std::to_string(r.remaining()) + " remaining bytes");
  }
  std::map<std::uint32_t, Key> keys;
  std::uint64_t previous = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t at = r.offset();
    const std::uint32_t elt = r.u32("Galois element");
    if (elt % 2 == 0 || elt >= 2 * context.degree() || (i > 0 && elt <= previous)) {
      ByteReader::fail_at(at, "Galois element",
                          std::to_string(elt) + " is not odd, below 2N and above the previous");
    }
    previous = elt;
    keys.emplace_hint(keys.end(), elt, read_key());
  }
  return keys;
}

}  // namespace

void write_public_key_body(ByteWriter& w, const CkksContext& context, const PublicKey& key) {
  check_public_key(context, key);
  w.u8(kFormNtt);
  write_poly(w, context, key.b, public_key_limbs(context));
  write_poly(w, context, key.a, public_key_limbs(context));
}

PublicKey read_public_key_body(ByteReader& r, const CkksContext& context) {
  read_form(r, kFormNtt, "representation");
  r.require(2 * packed_poly_bytes(context, public_key_limbs(context)), "public key");
  PublicKey key;
  key.b = read_poly(r, context, public_key_limbs(context), "public key b");
  key.a = read_poly(r, context, public_key_limbs(context), "public key a");
  return key;
}

void write_seeded_public_key_body(ByteWriter& w, const CkksContext& context,
                                  const SeededPublicKey& key) {
  check_seeded_public_key(context, key);
  w.u8(kFormNtt);
  write_seed(w, key.seed);
  write_poly(w, context, key.b, public_key_limbs(context));
}

SeededPublicKey read_seeded_public_key_body(ByteReader& r, const CkksContext& context) {
  read_form(r, kFormNtt, "representation");
  SeededPublicKey key;
  key.seed = read_seed(r, "seed of a");
  key.b = read_poly(r, context, public_key_limbs(context), "public key b");
  return key;
}

void write_kswitch_key_body(ByteWriter& w, const CkksContext& context, const KSwitchKey& key) {
  check_kswitch_key(context, key);
  w.u8(kFormNtt);
  w.u32(static_cast<std::uint32_t>(key.digits.size()));
  for (const KSwitchKey::Digit& d : key.digits) {
    write_poly(w, context, d.b, context.key_basis_size());
    write_poly(w, context, d.a, context.key_basis_size());
  }
}

KSwitchKey read_kswitch_key_body(ByteReader& r, const CkksContext& context) {
  read_form(r, kFormNtt, "representation");
  const std::size_t digits = read_digit_count(r, context);
  r.require(2 * digits * packed_poly_bytes(context, context.key_basis_size()), "key digits");
  KSwitchKey key;
  for (std::size_t j = 0; j < digits; ++j) {
    RnsPoly b = read_poly(r, context, context.key_basis_size(), "key b" + std::to_string(j));
    RnsPoly a = read_poly(r, context, context.key_basis_size(), "key a" + std::to_string(j));
    key.digits.push_back({std::move(b), std::move(a)});
  }
  return key;
}

void write_seeded_kswitch_key_body(ByteWriter& w, const CkksContext& context,
                                   const SeededKSwitchKey& key) {
  check_seeded_kswitch_key(context, key);
  w.u8(kFormNtt);
  w.u32(static_cast<std::uint32_t>(key.b.size()));
  write_seed(w, key.seed);
  for (const RnsPoly& b : key.b) write_poly(w, context, b, context.key_basis_size());
}

SeededKSwitchKey read_seeded_kswitch_key_body(ByteReader& r, const CkksContext& context) {
  read_form(r, kFormNtt, "representation");
  const std::size_t digits = read_digit_count(r, context);
  SeededKSwitchKey key;
  key.seed = read_seed(r, "seed of the a_j");
  r.require(digits * packed_poly_bytes(context, context.key_basis_size()), "key digits");
  for (std::size_t j = 0; j < digits; ++j) {
    key.b.push_back(read_poly(r, context, context.key_basis_size(), "key b" + std::to_string(j)));
  }
  return key;
}

void write_galois_keys_body(ByteWriter& w, const CkksContext& context, const GaloisKeys& keys) {
  write_galois_map(w, context, keys.keys,
                   [&](const KSwitchKey& key) { write_kswitch_key_body(w, context, key); });
}

GaloisKeys read_galois_keys_body(ByteReader& r, const CkksContext& context) {
  const std::size_t key_bytes =
      1 + 4 + 2 * context.dnum() * packed_poly_bytes(context, context.key_basis_size());
  return GaloisKeys{read_galois_map<KSwitchKey>(r, context, key_bytes,
                                                [&] { return read_kswitch_key_body(r, context); })};
}

void write_seeded_galois_keys_body(ByteWriter& w, const CkksContext& context,
                                   const SeededGaloisKeys& keys) {
  write_galois_map(w, context, keys.keys, [&](const SeededKSwitchKey& key) {
    write_seeded_kswitch_key_body(w, context, key);
  });
}

SeededGaloisKeys read_seeded_galois_keys_body(ByteReader& r, const CkksContext& context) {
  const std::size_t key_bytes =
      1 + 4 + Seed{}.size() + context.dnum() * packed_poly_bytes(context, context.key_basis_size());
  return SeededGaloisKeys{read_galois_map<SeededKSwitchKey>(
      r, context, key_bytes, [&] { return read_seeded_kswitch_key_body(r, context); })};
}

void write_secret_key_body(ByteWriter& w, const CkksContext& context, const SecretKey& key) {
  check_secret_key(context, key);
  // Back to coefficients in every limb; all limbs must agree on one ternary polynomial.
  const std::size_t n = context.degree();
  std::vector<std::uint64_t> digits(n);
  std::vector<std::uint64_t> limb(n);
  for (std::size_t i = 0; i < context.key_basis_size(); ++i) {
    const std::span<const std::uint64_t> src = key.s.limb(i);
    limb.assign(src.begin(), src.end());
    context.ntt(i).inverse(limb.data());
    const std::uint64_t q = context.key_modulus(i).value();
    for (std::size_t j = 0; j < n; ++j) {
      const std::uint64_t v = limb[j];
      const std::uint64_t digit = v == 0 ? 0 : v == 1 ? 1 : v == q - 1 ? 2 : 3;
      if (digit == 3 || (i > 0 && digit != digits[j])) {
        throw std::invalid_argument("secret key: not one ternary polynomial in every limb");
      }
      digits[j] = digit;
    }
  }
  w.u8(kFormTernary);
  write_packed_row(w, digits, kTernaryBits);
}

SecretKey read_secret_key_body(ByteReader& r, const CkksContext& context) {
  read_form(r, kFormTernary, "representation");
  const std::size_t n = context.degree();
  std::vector<std::uint64_t> digits(n);
  read_packed_row(r, kTernaryBits, 3, digits, "secret key coefficients");
  std::vector<std::int8_t> small(n);
  for (std::size_t j = 0; j < n; ++j) {
    small[j] = digits[j] == 2 ? std::int8_t{-1} : static_cast<std::int8_t>(digits[j]);
  }
  std::vector<Modulus> moduli;
  for (std::size_t i = 0; i < context.key_basis_size(); ++i) {
    moduli.push_back(context.key_modulus(i));
  }
  SecretKey key{RnsPoly(n, context.key_basis_size())};
  small_to_rns(small, moduli, key.s);
  for (std::size_t i = 0; i < context.key_basis_size(); ++i) {
    context.ntt(i).forward(key.s.limb(i).data());
  }
  return key;
}

}  // namespace hesplit::ckks
