#include "ckks/decryptor.hpp"

#include <stdexcept>

#include "ckks/poly_ops.hpp"
#include "ckks/validate.hpp"

namespace hesplit::ckks {

Decryptor::Decryptor(std::shared_ptr<const CkksContext> context, SecretKey secret_key)
    : context_(std::move(context)), secret_(std::move(secret_key)) {
  check_secret_key(*context_, secret_);
}

Plaintext Decryptor::decrypt(const Ciphertext& cipher) const {
  const CkksContext& ctx = *context_;
  const std::size_t level = cipher.level;
  if (level > ctx.max_level() || (cipher.size() != 2 && cipher.size() != 3)) {
    throw std::invalid_argument("decrypt: ciphertext has a bad level or component count");
  }
  for (const RnsPoly& c : cipher.components) {
    if (c.num_limbs() != level + 1 || c.degree() != ctx.degree()) {
      throw std::invalid_argument("decrypt: ciphertext component shape does not match its level");
    }
  }
  const std::size_t n = ctx.degree();
  Plaintext plain{cipher.components[0], level, cipher.scale};
  // Horner: m = c0 + s (c1 + s c2)
  for (std::size_t i = 0; i <= level; ++i) {
    const Modulus& m = ctx.data_modulus(i);
    const std::uint64_t* s = secret_.s.limb(i).data();
    const std::uint64_t* c1 = cipher.components[1].limb(i).data();
    std::uint64_t* out = plain.poly.limb(i).data();
    if (cipher.size() == 3) {
      const std::uint64_t* c2 = cipher.components[2].limb(i).data();
      for (std::size_t k = 0; k < n; ++k) {
        const std::uint64_t inner = reduce_u128(static_cast<u128>(c2[k]) * s[k] + c1[k], m);
        out[k] = reduce_u128(static_cast<u128>(inner) * s[k] + out[k], m);
      }
    } else {
      poly_ops::mul_add_to(out, c1, s, out, n, m);
    }
  }
  return plain;
}

}  // namespace hesplit::ckks
