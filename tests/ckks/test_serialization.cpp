// Serialized CKKS objects: bit-exact round trips of every type, agreement of seeded forms with
// their expansions, binding to the parameter fingerprint, rejection of foreign, truncated and
// hostile inputs (with bounded allocations).

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
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

// Allocation probe: this test binary replaces the global operator new so a test can record the
// largest single request made while it loads hostile bytes. (Test-only instrumentation; the
// counters are the one piece of global state, and they are atomics.)
namespace {
std::atomic<bool> g_probe_active{false};
std::atomic<std::size_t> g_probe_largest{0};

void note_allocation(std::size_t size) {
  if (!g_probe_active.load(std::memory_order_relaxed)) return;
  std::size_t seen = g_probe_largest.load(std::memory_order_relaxed);
  while (size > seen && !g_probe_largest.compare_exchange_weak(seen, size)) {
  }
}

void* allocate(std::size_t size, std::size_t alignment) {
  note_allocation(size);
  const std::size_t rounded = (size + alignment - 1) / alignment * alignment;
  void* p = alignment <= alignof(std::max_align_t)
                ? std::malloc(rounded == 0 ? 1 : rounded)
                : std::aligned_alloc(alignment, rounded == 0 ? alignment : rounded);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
}  // namespace

void* operator new(std::size_t size) { return allocate(size, alignof(std::max_align_t)); }
void* operator new(std::size_t size, std::align_val_t a) {
  return allocate(size, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace hesplit::ckks {
namespace {

// Records the largest allocation made during its lifetime.
class AllocationProbe {
 public:
  AllocationProbe() {
    g_probe_largest.store(0);
    g_probe_active.store(true);
  }
  ~AllocationProbe() { g_probe_active.store(false); }
  AllocationProbe(const AllocationProbe&) = delete;
  AllocationProbe& operator=(const AllocationProbe&) = delete;
  std::size_t largest() const { return g_probe_largest.load(); }
};

using test::precision_bits;
using test::real_message;

// Small insecure parameters keep the file sizes (and the sweeps) small: N = 1024, two data primes,
// one special prime.
std::shared_ptr<const CkksContext> small_context() {
  return CkksContext::create(
      CkksParameters::from_bit_sizes(1024, {40, 30}, {45}, std::ldexp(1.0, 30), 0, true));
}

struct Keys {
  explicit Keys(std::shared_ptr<const CkksContext> c)
      : context(std::move(c)),
        keygen(context),
        encoder(context),
        seeded_pk(keygen.create_public_key_seeded()),
        pk(expand_public_key(*context, seeded_pk)),
        seeded_relin(keygen.create_relin_keys_seeded()),
        relin(expand_relin_keys(*context, seeded_relin)),
        seeded_galois(keygen.create_galois_keys_seeded(std::vector<int>{1, -3}, true)),
        galois(expand_galois_keys(*context, seeded_galois)),
        encryptor(context, keygen.secret_key()),
        decryptor(context, keygen.secret_key()),
        evaluator(context) {}

  std::shared_ptr<const CkksContext> context;
  KeyGenerator keygen;
  CkksEncoder encoder;
  SeededPublicKey seeded_pk;
  PublicKey pk;
  SeededRelinKeys seeded_relin;
  RelinKeys relin;
  SeededGaloisKeys seeded_galois;
  GaloisKeys galois;
  Encryptor encryptor;
  Decryptor decryptor;
  Evaluator evaluator;
};

Keys& small_keys() {
  static Keys keys(small_context());
  return keys;
}

void expect_same(const Ciphertext& a, const Ciphertext& b) {
  EXPECT_EQ(a.level, b.level);
  EXPECT_EQ(std::memcmp(&a.scale, &b.scale, sizeof(double)), 0);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(a.components[i] == b.components[i]);
}

void expect_same(const KSwitchKey& a, const KSwitchKey& b) {
  ASSERT_EQ(a.digits.size(), b.digits.size());
  for (std::size_t j = 0; j < a.digits.size(); ++j) {
    EXPECT_TRUE(a.digits[j].b == b.digits[j].b);
    EXPECT_TRUE(a.digits[j].a == b.digits[j].a);
  }
}

void expect_same(const SeededKSwitchKey& a, const SeededKSwitchKey& b) {
  EXPECT_EQ(a.seed, b.seed);
  ASSERT_EQ(a.b.size(), b.b.size());
  for (std::size_t j = 0; j < a.b.size(); ++j) EXPECT_TRUE(a.b[j] == b.b[j]);
}

TEST(Serialization, ParametersRoundTripAndRebuildTheSameContext) {
  for (const char* name : {"sealed-8192", "sealed-16384", "paper-8192", "seal-8192"}) {
    const auto context = CkksContext::create(preset(name));
    const Bytes bytes = save_parameters(*context);
    const auto loaded = load_parameters(bytes);
    EXPECT_EQ(loaded->fingerprint(), context->fingerprint()) << name;
    EXPECT_EQ(loaded->parameters().name, name);
    EXPECT_EQ(loaded->parameters().data_primes, context->parameters().data_primes);
    EXPECT_EQ(loaded->parameters().special_primes, context->parameters().special_primes);
    EXPECT_EQ(loaded->digit_size(), context->digit_size());
    EXPECT_EQ(loaded->default_scale(), context->default_scale());
    EXPECT_EQ(save_parameters(*loaded), bytes) << name;
  }
}

TEST(Serialization, InsecureParametersNeedTheCallersPermission) {
  const Bytes bytes = save_parameters(*small_context());
  EXPECT_THROW(load_parameters(bytes), SerializationError);
  try {
    load_parameters(bytes);
  } catch (const SerializationError& e) {
    EXPECT_NE(std::string(e.what()).find("N = 1024"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(load_parameters(bytes, LoadOptions::insecure_for_tests()));
}

TEST(Serialization, CiphertextsRoundTripBitExactAndDecrypt) {
  Keys& k = small_keys();
  const CkksContext& ctx = *k.context;
  const auto msg = real_message(ctx.slot_count(), 7);
  const Plaintext plain = k.encoder.encode(msg, ctx.default_scale(), ctx.max_level());

  const Bytes plain_bytes = save(ctx, plain);
  const Plaintext plain_back = load_plaintext(ctx, plain_bytes);
  EXPECT_TRUE(plain_back.poly == plain.poly);
  EXPECT_EQ(plain_back.level, plain.level);
  EXPECT_EQ(plain_back.scale, plain.scale);

  const Ciphertext fresh = Encryptor(k.context, k.pk).encrypt(plain);
  const Bytes fresh_bytes = save(ctx, fresh);
  expect_same(load_ciphertext(ctx, fresh_bytes), fresh);
  EXPECT_EQ(save(ctx, load_ciphertext(ctx, fresh_bytes)), fresh_bytes);

  // Three components, one level down, after a product and a rescale.
  const Ciphertext lower = k.evaluator.rescale(k.evaluator.multiply_plain(fresh, plain));
  const Ciphertext cubic = k.evaluator.multiply(lower, lower);
  ASSERT_EQ(cubic.size(), 3U);
  const Bytes cubic_bytes = save(ctx, cubic);
  expect_same(load_ciphertext(ctx, cubic_bytes), cubic);

  const SeededCiphertext seeded = k.encryptor.encrypt_symmetric_seeded(plain);
  const Bytes seeded_bytes = save(ctx, seeded);
  const SeededCiphertext seeded_back = load_seeded_ciphertext(ctx, seeded_bytes);
  EXPECT_EQ(seeded_back.seed, seeded.seed);
  EXPECT_TRUE(seeded_back.c0 == seeded.c0);
  EXPECT_EQ(save(ctx, seeded_back), seeded_bytes);
  // The seeded file is about half the full one: c1 is 32 bytes of seed.
  EXPECT_LE(seeded_bytes.size(), fresh_bytes.size() / 2 + 64);

  const Ciphertext expanded = load_any_ciphertext(ctx, seeded_bytes);
  expect_same(expanded, expand_ciphertext(ctx, seeded));
  const auto decoded = k.encoder.decode(k.decryptor.decrypt(expanded));
  EXPECT_GE(precision_bits<double>(decoded, msg), 15.0);
  expect_same(load_any_ciphertext(ctx, fresh_bytes), fresh);
}

TEST(Serialization, BitPackedSizesAreExact) {
  Keys& k = small_keys();
  const CkksContext& ctx = *k.context;
  // Coefficients take ceil(log2 q_i) bits: 40 + 30 bits per coefficient pair at the top level.
  const std::size_t poly_bits = ctx.degree() * (40 + 30);
  const Plaintext plain = k.encoder.encode(real_message(8, 1), ctx.default_scale(), 1);
  EXPECT_EQ(save(ctx, Encryptor(k.context, k.pk).encrypt(plain)).size(),
            kHeaderBytes + 16 + 2 * poly_bits / 8);
  EXPECT_EQ(save(ctx, k.encryptor.encrypt_symmetric_seeded(plain)).size(),
            kHeaderBytes + 16 + 32 + poly_bits / 8);
  // The secret key is its ternary coefficients: 2 bits each.
  EXPECT_EQ(save_secret_key(ctx, k.keygen.secret_key()).size(), kHeaderBytes + 1 + 1024 / 4);
}

TEST(Serialization, KeysRoundTripBitExact) {
  Keys& k = small_keys();
  const CkksContext& ctx = *k.context;

  const Bytes pk_bytes = save(ctx, k.pk);
  const PublicKey pk = load_public_key(ctx, pk_bytes);
  EXPECT_TRUE(pk.b == k.pk.b && pk.a == k.pk.a);
  const Bytes spk_bytes = save(ctx, k.seeded_pk);
  const SeededPublicKey spk = load_seeded_public_key(ctx, spk_bytes);
  EXPECT_EQ(spk.seed, k.seeded_pk.seed);
  EXPECT_TRUE(spk.b == k.seeded_pk.b);
  EXPECT_EQ(save(ctx, spk), spk_bytes);

  expect_same(load_relin_keys(ctx, save(ctx, k.relin)).key, k.relin.key);
  const Bytes srk_bytes = save(ctx, k.seeded_relin);
  expect_same(load_seeded_relin_keys(ctx, srk_bytes).key, k.seeded_relin.key);
  EXPECT_EQ(save(ctx, load_seeded_relin_keys(ctx, srk_bytes)), srk_bytes);

  const GaloisKeys galois = load_galois_keys(ctx, save(ctx, k.galois));
  ASSERT_EQ(galois.keys.size(), k.galois.keys.size());
  for (const auto& [elt, key] : k.galois.keys) expect_same(galois.keys.at(elt), key);
  const Bytes sgk_bytes = save(ctx, k.seeded_galois);
  const SeededGaloisKeys sgk = load_seeded_galois_keys(ctx, sgk_bytes);
  ASSERT_EQ(sgk.keys.size(), 3U);  // steps 1, -3 and conjugation
  for (const auto& [elt, key] : k.seeded_galois.keys) expect_same(sgk.keys.at(elt), key);
  EXPECT_EQ(save(ctx, sgk), sgk_bytes);

  const Bytes sk_bytes = save_secret_key(ctx, k.keygen.secret_key());
  const SecretKey sk = load_secret_key(ctx, sk_bytes);
  EXPECT_TRUE(sk.s == k.keygen.secret_key().s);
  EXPECT_EQ(save_secret_key(ctx, sk), sk_bytes);
}

TEST(Serialization, LoadedSeededKeysWorkInTheEvaluator) {
  Keys& k = small_keys();
  const CkksContext& ctx = *k.context;
  const RelinKeys relin =
      expand_relin_keys(ctx, load_seeded_relin_keys(ctx, save(ctx, k.seeded_relin)));
  const GaloisKeys galois =
      expand_galois_keys(ctx, load_seeded_galois_keys(ctx, save(ctx, k.seeded_galois)));
  const PublicKey pk = expand_public_key(ctx, load_seeded_public_key(ctx, save(ctx, k.seeded_pk)));

  const auto msg = real_message(ctx.slot_count(), 11);
  const Plaintext plain = k.encoder.encode(msg, ctx.default_scale(), ctx.max_level());
  const Ciphertext ct = Encryptor(k.context, pk).encrypt(plain);
  const Ciphertext squared = k.evaluator.rescale(k.evaluator.multiply_relin(ct, ct, relin));
  const Ciphertext rotated = k.evaluator.rotate(squared, 1, galois);
  const auto got = k.encoder.decode(k.decryptor.decrypt(rotated));
  std::vector<double> want(msg.size());
  for (std::size_t i = 0; i < msg.size(); ++i) {
    const double v = msg[(i + 1) % msg.size()];
    want[i] = v * v;
  }
  EXPECT_GE(precision_bits<double>(got, want), 8.0);  // 30-bit scale, 30-bit base prime
}

TEST(Serialization, PublicContextCarriesParametersAndPublicKeysOnly) {
  Keys& k = small_keys();
  const PublicContext exported{k.context, k.seeded_pk, k.seeded_relin, k.seeded_galois};
  const Bytes bytes = save_public_context(exported);
  EXPECT_THROW(load_public_context(bytes), SerializationError);  // insecure N without permission
  const PublicContext loaded = load_public_context(bytes, LoadOptions::insecure_for_tests());
  EXPECT_EQ(loaded.context->fingerprint(), k.context->fingerprint());
  ASSERT_TRUE(loaded.public_key && loaded.relin_keys && loaded.galois_keys);
  EXPECT_EQ(loaded.public_key->seed, k.seeded_pk.seed);
  expect_same(loaded.relin_keys->key, k.seeded_relin.key);
  EXPECT_EQ(loaded.galois_keys->keys.size(), k.seeded_galois.keys.size());
  EXPECT_EQ(save_public_context(loaded), bytes);

  // Only what was asked for.
  const Bytes relin_only = save_public_context(PublicContext{k.context, {}, k.seeded_relin, {}});
  const PublicContext partial = load_public_context(relin_only, LoadOptions::insecure_for_tests());
  EXPECT_FALSE(partial.public_key || partial.galois_keys);
  EXPECT_TRUE(partial.relin_keys);

  // A server can restrict the parameter sets it accepts; the check precedes building a context.
  LoadOptions only_sealed{
      .allow_insecure = true,
      .accepted_fingerprints = {CkksContext(preset("sealed-8192")).fingerprint()}};
  try {
    load_public_context(bytes, only_sealed);
    FAIL() << "accepted a parameter set outside the accepted list";
  } catch (const SerializationError& e) {
    EXPECT_EQ(e.offset(), 8U);
  }
  only_sealed.accepted_fingerprints.push_back(k.context->fingerprint());
  EXPECT_NO_THROW(load_public_context(bytes, only_sealed));

  // A secret-key file is not a public context.
  EXPECT_THROW(load_public_context(save_secret_key(*k.context, k.keygen.secret_key()),
                                   LoadOptions::insecure_for_tests()),
               SerializationError);
}

TEST(Serialization, RejectsForeignParametersWrongTypeVersionAndTrailingBytes) {
  Keys& k = small_keys();
  const CkksContext& ctx = *k.context;
  const Plaintext plain =
      k.encoder.encode(real_message(4, 3), ctx.default_scale(), ctx.max_level());
  const Bytes bytes = save(ctx, k.encryptor.encrypt_symmetric(plain));

  const auto other = CkksContext::create(
      CkksParameters::from_bit_sizes(1024, {40, 30}, {46}, std::ldexp(1.0, 30), 0, true));
  try {
    load_ciphertext(*other, bytes);
    FAIL() << "accepted a ciphertext made for other parameters";
  } catch (const SerializationError& e) {
    EXPECT_EQ(e.offset(), 8U);
    EXPECT_NE(std::string(e.what()).find("fingerprint"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load_seeded_ciphertext(ctx, bytes), SerializationError);
  EXPECT_THROW(load_plaintext(ctx, bytes), SerializationError);
  EXPECT_THROW(load_secret_key(ctx, bytes), SerializationError);

  Bytes newer = bytes;
  newer[4] = 2;
  EXPECT_THROW(load_ciphertext(ctx, newer), SerializationError);

  Bytes longer = bytes;
  longer.push_back(0);
  EXPECT_THROW(load_ciphertext(ctx, longer), SerializationError);  // body length disagrees
  const std::uint64_t body = longer.size() - kHeaderBytes;
  for (int i = 0; i < 8; ++i) longer[40 + i] = static_cast<std::uint8_t>(body >> (8 * i));
  try {
    load_ciphertext(ctx, longer);
    FAIL() << "accepted trailing bytes";
  } catch (const SerializationError& e) {
    EXPECT_EQ(e.offset(), bytes.size());
    EXPECT_NE(std::string(e.what()).find("trailing"), std::string::npos) << e.what();
  }
}

TEST(Serialization, RejectsCoefficientAtItsModulusWithOffset) {
  Keys& k = small_keys();
  const CkksContext& ctx = *k.context;
  const Plaintext plain =
      k.encoder.encode(real_message(4, 3), ctx.default_scale(), ctx.max_level());
  Bytes bytes = save(ctx, k.encryptor.encrypt_symmetric(plain));
  // Coefficient 0 of c0, limb 0 (40 bits, first 5 bytes of the polynomial data): set it to q_0.
  const std::uint64_t q0 = ctx.data_modulus(0).value();
  const std::size_t at = kHeaderBytes + 16;
  for (int i = 0; i < 5; ++i) bytes[at + i] = static_cast<std::uint8_t>(q0 >> (8 * i));
  try {
    load_ciphertext(ctx, bytes);
    FAIL() << "accepted a coefficient equal to its prime";
  } catch (const SerializationError& e) {
    EXPECT_EQ(e.offset(), at);
    EXPECT_NE(std::string(e.what()).find("not below its modulus"), std::string::npos) << e.what();
  }
}

TEST(Serialization, SecretKeyLoaderRejectsNonTernaryDigits) {
  Keys& k = small_keys();
  Bytes bytes = save_secret_key(*k.context, k.keygen.secret_key());
  bytes[kHeaderBytes + 1 + 10] |= 0x03;  // coefficient 40: digit 3 is not ternary
  EXPECT_THROW(load_secret_key(*k.context, bytes), SerializationError);
}

TEST(Serialization, EveryTruncationIsRejected) {
  Keys& k = small_keys();
  const CkksContext& ctx = *k.context;
  const Plaintext plain =
      k.encoder.encode(real_message(4, 3), ctx.default_scale(), ctx.max_level());
  const std::vector<Bytes> files = {
      save(ctx, k.encryptor.encrypt_symmetric(plain)),
      save(ctx, k.encryptor.encrypt_symmetric_seeded(plain)),
      save(ctx, k.seeded_relin),
      save(ctx, k.seeded_galois),
      save_secret_key(ctx, k.keygen.secret_key()),
      save_public_context(PublicContext{k.context, k.seeded_pk, k.seeded_relin, k.seeded_galois})};
  for (std::size_t f = 0; f < files.size(); ++f) {
    const Bytes& file = files[f];
    for (std::size_t length = 0; length < file.size(); ++length) {
      const std::span<const std::uint8_t> cut(file.data(), length);
      const auto type = f == 5 ? ObjectType::kPublicContext : inspect_object(file).type;
      EXPECT_THROW(
          {
            switch (type) {
              case ObjectType::kCiphertext:
                load_ciphertext(ctx, cut);
                break;
              case ObjectType::kSeededCiphertext:
                load_seeded_ciphertext(ctx, cut);
                break;
              case ObjectType::kSeededRelinKeys:
                load_seeded_relin_keys(ctx, cut);
                break;
              case ObjectType::kSeededGaloisKeys:
                load_seeded_galois_keys(ctx, cut);
                break;
              case ObjectType::kSecretKey:
                load_secret_key(ctx, cut);
                break;
              default:
                load_public_context(cut, LoadOptions::insecure_for_tests());
                break;
            }
          },
          SerializationError)
          << "file " << f << " cut at " << length;
    }
  }
}

// Writes a little-endian value into a byte string (to forge hostile size fields).
void put(Bytes& bytes, std::size_t at, std::uint64_t value, int width) {
  for (int i = 0; i < width; ++i) bytes[at + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

TEST(Serialization, HostileSizeFieldsAreRejectedWithoutLargeAllocations) {
  Keys& k = small_keys();
  const CkksContext& ctx = *k.context;
  const Plaintext plain =
      k.encoder.encode(real_message(4, 3), ctx.default_scale(), ctx.max_level());
  const Bytes ct = save(ctx, k.encryptor.encrypt_symmetric(plain));
  const Bytes galois = save(ctx, k.seeded_galois);
  const Bytes context_bytes =
      save_public_context(PublicContext{k.context, k.seeded_pk, k.seeded_relin, k.seeded_galois});
  const LoadOptions insecure = LoadOptions::insecure_for_tests();

  struct Case {
    const char* what;
    Bytes bytes;
  };
  std::vector<Case> cases;
  auto forge = [&](const char* what, const Bytes& base, std::size_t at, std::uint64_t v, int w) {
    Bytes b = base;
    put(b, at, v, w);
    cases.push_back({what, std::move(b)});
  };
  forge("body length 2^64-1", ct, 40, ~std::uint64_t{0}, 8);
  forge("body length 2^40", ct, 40, std::uint64_t{1} << 40, 8);
  forge("level 2^32-1", ct, kHeaderBytes, 0xffffffffULL, 4);
  forge("component count 255", ct, kHeaderBytes + 4, 255, 1);
  forge("Galois key count 2^32-1", galois, kHeaderBytes, 0xffffffffULL, 4);
  forge("Galois key count 512", galois, kHeaderBytes, 512, 4);
  forge("digit count 2^32-1", galois, kHeaderBytes + 4 + 4 + 1, 0xffffffffULL, 4);
  const std::size_t params = kHeaderBytes;  // N u32 | dnum u32 | digit size u32 | scale | name
  forge("N 2^31", context_bytes, params, std::uint64_t{1} << 31, 4);
  forge("N 2^16 with its primes", context_bytes, params, std::uint64_t{1} << 16, 4);
  forge("dnum 2^32-1", context_bytes, params + 4, 0xffffffffULL, 4);
  forge("name length 255", context_bytes, params + 20, 255, 1);

  {  // The probe sees the loader's allocations: a genuine ciphertext allocates its polynomials.
    AllocationProbe probe;
    load_ciphertext(ctx, ct);
    EXPECT_GE(probe.largest(), ctx.degree() * 2 * sizeof(std::uint64_t));
  }
  for (const Case& c : cases) {
    AllocationProbe probe;
    EXPECT_THROW(
        {
          if (inspect_object(c.bytes).type == ObjectType::kPublicContext) {
            load_public_context(c.bytes, insecure);
          } else if (c.bytes.size() == galois.size()) {
            load_seeded_galois_keys(ctx, c.bytes);
          } else {
            load_ciphertext(ctx, c.bytes);
          }
        },
        SerializationError)
        << c.what;
    // Nothing larger than the input itself (or a context for N = 1024) was ever requested.
    EXPECT_LE(probe.largest(), std::max<std::size_t>(c.bytes.size(), 1 << 16)) << c.what;
  }
}

}  // namespace
}  // namespace hesplit::ckks
