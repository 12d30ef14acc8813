// Parameter validation, the 128-bit security table, presets and the parameter fingerprint.

#include <gtest/gtest.h>

#include <string>

#include "ckks/context.hpp"
#include "ckks/params.hpp"
#include "ckks/primes.hpp"
#include "ckks/security.hpp"

namespace hesplit::ckks {
namespace {

std::string refusal_message(const CkksParameters& p) {
  try {
    const CkksContext ctx(p);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(Security, TableMatchesHomomorphicEncryptionStandard) {
  EXPECT_EQ(max_secure_log2_qp(4096), 109);
  EXPECT_EQ(max_secure_log2_qp(8192), 218);
  EXPECT_EQ(max_secure_log2_qp(16384), 438);
  EXPECT_EQ(max_secure_log2_qp(32768), 881);
  EXPECT_EQ(max_secure_log2_qp(65536), 1747);
  EXPECT_FALSE(max_secure_log2_qp(2048).has_value());
}

TEST(Security, OversizedModulusIsRefusedWithTheLimitNamed) {
  // 60 + 60 + 60 + 40 = 220 bits > 218 at N = 8192.
  const CkksParameters p = CkksParameters::from_bit_sizes(8192, {60, 60, 60}, {40}, 0x1p40);
  const std::string msg = refusal_message(p);
  EXPECT_NE(msg.find("218"), std::string::npos) << msg;
  EXPECT_NE(msg.find("220"), std::string::npos) << msg;
  EXPECT_NE(msg.find("8192"), std::string::npos) << msg;
  // Exactly at the limit is accepted: 60 + 60 + 58 + 40 = 218.
  EXPECT_NO_THROW(CkksContext(CkksParameters::from_bit_sizes(8192, {60, 60, 58}, {40}, 0x1p40)));
  // N = 4096 with 110 bits is refused, 109 accepted.
  EXPECT_NE(
      refusal_message(CkksParameters::from_bit_sizes(4096, {40, 30}, {40}, 0x1p30)).find("109"),
      std::string::npos);
  EXPECT_NO_THROW(CkksContext(CkksParameters::from_bit_sizes(4096, {39, 30}, {40}, 0x1p30)));
  // The same oversized set passes only with allow_insecure.
  CkksParameters insecure = p;
  insecure.allow_insecure = true;
  EXPECT_NO_THROW(CkksContext{insecure});
}

TEST(Security, SmallRingsNeedAllowInsecure) {
  const CkksParameters p = CkksParameters::from_bit_sizes(1024, {30}, {30}, 0x1p20);
  EXPECT_NE(refusal_message(p).find("1024"), std::string::npos);
  CkksParameters insecure = p;
  insecure.allow_insecure = true;
  EXPECT_NO_THROW(CkksContext{insecure});
}

TEST(Params, BadPrimesAreRefused) {
  CkksParameters p = CkksParameters::from_bit_sizes(4096, {40, 30}, {30}, 0x1p30);
  CkksParameters not_ntt = p;
  not_ntt.data_primes[1] = 1000003;  // prime but not 1 mod 8192
  EXPECT_NE(refusal_message(not_ntt).find("1000003"), std::string::npos);
  CkksParameters repeated = p;
  repeated.special_primes[0] = repeated.data_primes[0];
  EXPECT_NE(refusal_message(repeated).find("repeats"), std::string::npos);
  CkksParameters no_special = p;
  no_special.special_primes.clear();
  EXPECT_NE(refusal_message(no_special).find("special"), std::string::npos);
  CkksParameters bad_scale = p;
  bad_scale.default_scale = -1;
  EXPECT_NE(refusal_message(bad_scale).find("scale"), std::string::npos);
  CkksParameters bad_dnum = p;
  bad_dnum.dnum = 3;
  EXPECT_NE(refusal_message(bad_dnum).find("dnum"), std::string::npos);
}

TEST(Params, PresetsAreSecureAndMatchTheirDescription) {
  for (const std::string& name : preset_names()) {
    const CkksContext ctx(preset(name));
    EXPECT_LE(ctx.total_bit_count(), *max_secure_log2_qp(ctx.degree())) << name;
    EXPECT_EQ(ctx.parameters().name, name);
  }
  const CkksContext sealed(preset("sealed-8192"));
  EXPECT_EQ(sealed.degree(), 8192U);
  EXPECT_EQ(sealed.total_bit_count(), 200);
  EXPECT_EQ(sealed.num_data_primes(), 3U);
  EXPECT_EQ(sealed.num_special_primes(), 1U);
  EXPECT_EQ(sealed.dnum(), 3U);
  EXPECT_EQ(std::bit_width(sealed.data_modulus(0).value()), 50);
  EXPECT_EQ(std::bit_width(sealed.data_modulus(2).value()), 40);
  EXPECT_EQ(std::bit_width(sealed.special_modulus(0).value()), 60);
  const CkksContext paper(preset("paper-8192"));
  EXPECT_EQ(paper.total_bit_count(), 143);
  EXPECT_EQ(paper.default_scale(), 0x1p21);
  EXPECT_THROW(preset("nope"), std::invalid_argument);
}

TEST(Params, DigitPartition) {
  CkksParameters p = CkksParameters::from_bit_sizes(16384, {40, 30, 30, 30, 30}, {40, 30}, 0x1p30);
  const CkksContext two(p);  // default: digits of k = 2 primes
  EXPECT_EQ(two.digit_size(), 2U);
  EXPECT_EQ(two.dnum(), 3U);
  EXPECT_EQ(two.digit_range(2, 4), std::make_pair(std::size_t{4}, std::size_t{5}));
  EXPECT_EQ(two.digits_at_level(1), 1U);
  EXPECT_EQ(two.digits_at_level(2), 2U);
  p.dnum = 5;
  const CkksContext five(p);
  EXPECT_EQ(five.digit_size(), 1U);
  EXPECT_EQ(five.dnum(), 5U);
  p.dnum = 1;
  const CkksContext one(p);
  EXPECT_EQ(one.digit_size(), 5U);
  EXPECT_EQ(one.dnum(), 1U);
}

TEST(Params, FingerprintBindsPrimesDegreeAndDigits) {
  const CkksContext a(preset("sealed-8192"));
  const CkksContext b(preset("sealed-8192"));
  EXPECT_EQ(a.fingerprint(), b.fingerprint());
  CkksParameters scaled = preset("sealed-8192");
  scaled.default_scale = 0x1p30;  // the scale is not structural
  EXPECT_EQ(CkksContext(scaled).fingerprint(), a.fingerprint());
  CkksParameters other = preset("sealed-8192");
  other.data_primes[1] = generate_ntt_primes(std::vector<int>{50, 50, 50}, 8192)[2];
  EXPECT_NE(CkksContext(other).fingerprint(), a.fingerprint());
  CkksParameters digits = preset("sealed-8192");
  digits.dnum = 1;
  EXPECT_NE(CkksContext(digits).fingerprint(), a.fingerprint());
  EXPECT_NE(CkksContext(preset("paper-8192")).fingerprint(),
            CkksContext(preset("paper-16384")).fingerprint());
}

}  // namespace
}  // namespace hesplit::ckks
