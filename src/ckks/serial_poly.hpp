#pragma once
// Bit-packed RNS polynomials: limb i (modulus = the i-th prime of the key basis q_0..q_L,
// p_0..p_{k-1}) takes N * bit_width(modulus) bits. Every serialized polynomial uses a prefix of
// the key basis: the data primes of a level, all data primes, or the whole key basis.

#include <cstddef>
#include <string_view>

#include "ckks/context.hpp"
#include "ckks/prng.hpp"
#include "ckks/rns_poly.hpp"
#include "ckks/serial_io.hpp"

namespace hesplit::ckks {

// Representation byte stored before polynomials. Version 1 writes NTT (evaluation) form for
// everything but the secret key, which is stored as ternary coefficients.
inline constexpr std::uint8_t kFormNtt = 1;
inline constexpr std::uint8_t kFormTernary = 2;
void read_form(ByteReader& reader, std::uint8_t expected, std::string_view field);

void write_seed(ByteWriter& writer, const Seed& seed);
Seed read_seed(ByteReader& reader, std::string_view field);

// Bits per coefficient of key-basis limb i: ceil(log2 q_i) (= bit width, q_i not a power of 2).
unsigned packed_limb_bits(const CkksContext& context, std::size_t i);
// Bytes of a polynomial over the first `limbs` primes of the key basis.
std::size_t packed_poly_bytes(const CkksContext& context, std::size_t limbs);

// The poly must have `limbs` limbs of degree N, each coefficient below its prime (checked).
void write_poly(ByteWriter& writer, const CkksContext& context, const RnsPoly& poly,
                std::size_t limbs);
// Checks that the bytes are there before allocating, then reads and range-checks every
// coefficient. `field` names the polynomial in errors.
RnsPoly read_poly(ByteReader& reader, const CkksContext& context, std::size_t limbs,
                  std::string_view field);

}  // namespace hesplit::ckks
