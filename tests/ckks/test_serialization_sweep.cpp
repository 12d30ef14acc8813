// Corruption sweep: every single byte of small ciphertext, key and parameter files is altered
// with three bit patterns (xor 0xff, xor 0x01, xor 0x80). Each variant must either be rejected
// with SerializationError or load into an object whose coefficients are all below their primes
// and that the library can use (decrypt, relinearise) without crashing.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <iostream>
#include <memory>
#include <vector>

#include "ckks/decryptor.hpp"
#include "ckks/encoder.hpp"
#include "ckks/encryptor.hpp"
#include "ckks/evaluator.hpp"
#include "ckks/keygen.hpp"
#include "ckks/seeded.hpp"
#include "ckks/serial_public_context.hpp"
#include "ckks/serialization.hpp"
#include "ckks_test_util.hpp"

namespace hesplit::ckks {
namespace {

constexpr std::uint8_t kPatterns[] = {0xff, 0x01, 0x80};

struct Fixture {
  Fixture()
      : context(CkksContext::create(
            CkksParameters::from_bit_sizes(1024, {40, 30}, {45}, std::ldexp(1.0, 30), 0, true))),
        keygen(context),
        encoder(context),
        encryptor(context, keygen.secret_key()),
        decryptor(context, keygen.secret_key()),
        evaluator(context),
        plain(encoder.encode(test::real_message(context->slot_count(), 5), context->default_scale(),
                             context->max_level())) {}

  std::shared_ptr<const CkksContext> context;
  KeyGenerator keygen;
  CkksEncoder encoder;
  Encryptor encryptor;
  Decryptor decryptor;
  Evaluator evaluator;
  Plaintext plain;
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

// Independent of the loader: every limb i of `poly` below the i-th prime of the key basis.
bool in_range(const CkksContext& context, const RnsPoly& poly) {
  if (poly.degree() != context.degree() || poly.num_limbs() > context.key_basis_size())
    return false;
  for (std::size_t i = 0; i < poly.num_limbs(); ++i) {
    const std::uint64_t q = context.key_modulus(i).value();
    for (const std::uint64_t v : poly.limb(i)) {
      if (v >= q) return false;
    }
  }
  return true;
}

struct SweepResult {
  std::size_t variants = 0;
  std::size_t rejected = 0;
  std::size_t accepted = 0;
};

// `use` loads the bytes and exercises the object; it returns false if the object is out of range.
SweepResult sweep(const Bytes& file, const std::function<bool(const Bytes&)>& use,
                  std::size_t stride = 1) {
  SweepResult result;
  Bytes variant = file;
  for (std::size_t at = 0; at < file.size(); at += (at < 256 ? 1 : stride)) {
    for (const std::uint8_t pattern : kPatterns) {
      variant[at] = file[at] ^ pattern;
      ++result.variants;
      try {
        const bool ok = use(variant);
        EXPECT_TRUE(ok) << "byte " << at << " ^ " << int{pattern} << " loaded out of range";
        ++result.accepted;
      } catch (const SerializationError&) {
        ++result.rejected;
      } catch (const std::exception& e) {
        ADD_FAILURE() << "byte " << at << " ^ " << int{pattern} << ": " << e.what();
      }
    }
    variant[at] = file[at];
  }
  return result;
}

void report(const char* what, std::size_t size, const SweepResult& r) {
  std::cout << what << " (" << size << " bytes): " << r.variants << " variants, " << r.rejected
            << " rejected, " << r.accepted << " accepted in range\n";
  EXPECT_EQ(r.variants, r.rejected + r.accepted);
  EXPECT_GT(r.rejected, 0U);
}

TEST(SerializationSweep, CiphertextFile) {
  Fixture& f = fixture();
  const CkksContext& ctx = *f.context;
  const Bytes file = save(ctx, f.encryptor.encrypt_symmetric(f.plain));
  const SweepResult r = sweep(file, [&](const Bytes& bytes) {
    const Ciphertext ct = load_ciphertext(ctx, bytes);
    bool ok = ct.level <= ctx.max_level() && std::isfinite(ct.scale) && ct.scale > 0;
    for (const RnsPoly& c : ct.components)
      ok = ok && c.num_limbs() == ct.level + 1 && in_range(ctx, c);
    f.encoder.decode(f.decryptor.decrypt(ct));
    return ok;
  });
  report("ciphertext", file.size(), r);
}

TEST(SerializationSweep, SeededCiphertextFile) {
  Fixture& f = fixture();
  const CkksContext& ctx = *f.context;
  const Bytes file = save(ctx, f.encryptor.encrypt_symmetric_seeded(f.plain));
  const SweepResult r = sweep(file, [&](const Bytes& bytes) {
    const SeededCiphertext seeded = load_seeded_ciphertext(ctx, bytes);
    const Ciphertext ct = expand_ciphertext(ctx, seeded);
    bool ok = in_range(ctx, seeded.c0) && seeded.c0.num_limbs() == seeded.level + 1;
    for (const RnsPoly& c : ct.components) ok = ok && in_range(ctx, c);
    f.encoder.decode(f.decryptor.decrypt(ct));
    return ok;
  });
  report("seeded ciphertext", file.size(), r);
}

TEST(SerializationSweep, SecretKeyFile) {
  Fixture& f = fixture();
  const CkksContext& ctx = *f.context;
  const Bytes file = save_secret_key(ctx, f.keygen.secret_key());
  const Ciphertext ct = f.encryptor.encrypt_symmetric(f.plain);
  const SweepResult r = sweep(file, [&](const Bytes& bytes) {
    const SecretKey sk = load_secret_key(ctx, bytes);
    Decryptor(f.context, sk).decrypt(ct);
    return in_range(ctx, sk.s) && sk.s.num_limbs() == ctx.key_basis_size();
  });
  report("secret key", file.size(), r);
}

TEST(SerializationSweep, SeededRelinKeyFile) {
  Fixture& f = fixture();
  const CkksContext& ctx = *f.context;
  const Bytes file = save(ctx, f.keygen.create_relin_keys_seeded());
  const Ciphertext ct = f.encryptor.encrypt_symmetric(f.plain);
  const Ciphertext product = f.evaluator.multiply(ct, ct);
  std::size_t used = 0;
  const SweepResult r = sweep(file, [&](const Bytes& bytes) {
    const SeededRelinKeys seeded = load_seeded_relin_keys(ctx, bytes);
    bool ok = seeded.key.b.size() == ctx.dnum();
    for (const RnsPoly& b : seeded.key.b) ok = ok && in_range(ctx, b);
    // Using every accepted variant would dominate the run time; use one in 64.
    if (++used % 64 == 0) {
      const RelinKeys keys = expand_relin_keys(ctx, seeded);
      f.decryptor.decrypt(f.evaluator.relinearize(product, keys));
    }
    return ok;
  });
  report("seeded relinearisation key", file.size(), r);
}

TEST(SerializationSweep, ParametersFile) {
  Fixture& f = fixture();
  const Bytes file = save_parameters(*f.context);
  const SweepResult r = sweep(file, [&](const Bytes& bytes) {
    const auto loaded = load_parameters(bytes, LoadOptions::insecure_for_tests());
    // Only fields outside the fingerprint (name, default scale) can change and still load.
    return loaded->fingerprint() == f.context->fingerprint();
  });
  report("parameters", file.size(), r);
}

TEST(SerializationSweep, PublicContextFileHeadAndEveryHundredthByte) {
  Fixture& f = fixture();
  const PublicContext exported{f.context, f.keygen.create_public_key_seeded(),
                               f.keygen.create_relin_keys_seeded(),
                               f.keygen.create_galois_keys_seeded(std::vector<int>{1}, false)};
  const Bytes file = save_public_context(exported);
  const SweepResult r = sweep(
      file,
      [&](const Bytes& bytes) {
        const PublicContext loaded = load_public_context(bytes, LoadOptions::insecure_for_tests());
        bool ok = loaded.context->fingerprint() == f.context->fingerprint();
        if (loaded.public_key) ok = ok && in_range(*loaded.context, loaded.public_key->b);
        if (loaded.relin_keys) {
          for (const RnsPoly& b : loaded.relin_keys->key.b) ok = ok && in_range(*loaded.context, b);
        }
        if (loaded.galois_keys) {
          for (const auto& [elt, key] : loaded.galois_keys->keys) {
            ok = ok && elt % 2 == 1 && elt < 2 * loaded.context->degree();
            for (const RnsPoly& b : key.b) ok = ok && in_range(*loaded.context, b);
          }
        }
        return ok;
      },
      100);
  report("public context", file.size(), r);
}

// Loads `bytes` as an object of `type`; returns false if anything loaded is out of range.
bool load_as(ObjectType type, const CkksContext& ctx, const Bytes& bytes) {
  switch (type) {
    case ObjectType::kCiphertext: {
      const Ciphertext ct = load_ciphertext(ctx, bytes);
      bool ok = true;
      for (const RnsPoly& c : ct.components) ok = ok && in_range(ctx, c);
      return ok;
    }
    case ObjectType::kSeededCiphertext:
      return in_range(ctx, load_seeded_ciphertext(ctx, bytes).c0);
    case ObjectType::kPlaintext:
      return in_range(ctx, load_plaintext(ctx, bytes).poly);
    case ObjectType::kPublicKey: {
      const PublicKey pk = load_public_key(ctx, bytes);
      return in_range(ctx, pk.a) && in_range(ctx, pk.b);
    }
    case ObjectType::kSeededPublicKey:
      return in_range(ctx, load_seeded_public_key(ctx, bytes).b);
    case ObjectType::kRelinKeys:
      load_relin_keys(ctx, bytes);
      return true;
    case ObjectType::kSeededRelinKeys:
      load_seeded_relin_keys(ctx, bytes);
      return true;
    case ObjectType::kGaloisKeys:
      load_galois_keys(ctx, bytes);
      return true;
    case ObjectType::kSeededGaloisKeys:
      load_seeded_galois_keys(ctx, bytes);
      return true;
    case ObjectType::kSecretKey:
      return in_range(ctx, load_secret_key(ctx, bytes).s);
    case ObjectType::kParameters:
      load_parameters(bytes, LoadOptions::insecure_for_tests());
      return true;
    case ObjectType::kPublicContext:
      load_public_context(bytes, LoadOptions::insecure_for_tests());
      return true;
  }
  return false;
}

// Beyond single bytes: many random bytes changed at once, and random bodies of random length
// behind a valid header (deterministic test words, not cryptographic randomness).
TEST(SerializationSweep, MultiByteCorruptionAndRandomBodies) {
  Fixture& f = fixture();
  const CkksContext& ctx = *f.context;
  const std::vector<Bytes> files = {
      save(ctx, f.encryptor.encrypt_symmetric(f.plain)),
      save(ctx, f.encryptor.encrypt_symmetric_seeded(f.plain)),
      save(ctx, f.plain),
      save(ctx, f.keygen.create_public_key()),
      save(ctx, f.keygen.create_public_key_seeded()),
      save(ctx, f.keygen.create_relin_keys()),
      save(ctx, f.keygen.create_relin_keys_seeded()),
      save(ctx, f.keygen.create_galois_keys(std::vector<int>{2}, false)),
      save(ctx, f.keygen.create_galois_keys_seeded(std::vector<int>{2}, true)),
      save_secret_key(ctx, f.keygen.secret_key()),
      save_parameters(ctx),
      save_public_context(PublicContext{f.context, f.keygen.create_public_key_seeded(), {}, {}})};
  test::TestWords words(99);
  std::size_t rejected = 0;
  std::size_t accepted = 0;
  auto attempt = [&](ObjectType type, const Bytes& bytes, const char* what) {
    try {
      EXPECT_TRUE(load_as(type, ctx, bytes)) << what << " loaded out of range";
      ++accepted;
    } catch (const SerializationError&) {
      ++rejected;
    } catch (const std::exception& e) {
      ADD_FAILURE() << what << " (" << object_type_name(type) << "): " << e.what();
    }
  };
  for (const Bytes& file : files) {
    const ObjectType type = inspect_object(file).type;
    for (int trial = 0; trial < 200; ++trial) {
      Bytes variant = file;
      const std::size_t changes = 2 + words.next() % 15;
      for (std::size_t c = 0; c < changes; ++c) {
        variant[words.next() % variant.size()] = static_cast<std::uint8_t>(words.next());
      }
      attempt(type, variant, "multi-byte corruption");

      Bytes random(file.begin(), file.begin() + kHeaderBytes);
      const std::size_t body = words.next() % (2 * (file.size() - kHeaderBytes) + 1);
      for (std::size_t i = 0; i < body; ++i)
        random.push_back(static_cast<std::uint8_t>(words.next()));
      for (int i = 0; i < 8; ++i) random[40 + i] = static_cast<std::uint8_t>(body >> (8 * i));
      attempt(type, random, "random body");
    }
  }
  std::cout << "multi-byte corruption and random bodies: " << rejected + accepted << " inputs, "
            << rejected << " rejected, " << accepted << " accepted in range\n";
  EXPECT_GT(rejected, 0U);
}

}  // namespace
}  // namespace hesplit::ckks
