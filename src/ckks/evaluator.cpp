#include "ckks/evaluator.hpp"

#include <bit>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>

#include "ckks/encoder.hpp"
#include "ckks/galois.hpp"
#include "ckks/key_switch.hpp"
#include "ckks/poly_ops.hpp"
#include "ckks/scaled_integer.hpp"
#include "ckks/simd_kernels.hpp"

namespace hesplit::ckks {
namespace {

constexpr double kScaleTolerance = 1e-9;

bool same_scale(double a, double b) noexcept {
  return std::fabs(a - b) <= kScaleTolerance * std::max(std::fabs(a), std::fabs(b));
}

[[noreturn]] void fail(const std::string& op, const std::string& message) {
  throw std::invalid_argument("CKKS " + op + ": " + message);
}

// The scale of a product; refuses a product whose scale overflows a double.
double product_scale(double a, double b, const char* op) {
  const double scale = a * b;
  if (!std::isfinite(scale) || !(scale > 0.0)) fail(op, "the product's scale is not finite");
  return scale;
}

void check_shape(const CkksContext& ctx, const Ciphertext& a, const char* op) {
  if (a.level > ctx.max_level() || (a.size() != 2 && a.size() != 3)) {
    fail(op, "ciphertext has level " + std::to_string(a.level) + " and " +
                 std::to_string(a.size()) + " components");
  }
  for (const RnsPoly& c : a.components) {
    if (c.num_limbs() != a.level + 1 || c.degree() != ctx.degree()) {
      fail(op, "ciphertext component shape does not match its level");
    }
  }
}

void check_plain(const CkksContext& ctx, const Ciphertext& a, const Plaintext& p, const char* op) {
  check_shape(ctx, a, op);
  if (p.level != a.level) {
    fail(op, "level mismatch (ciphertext " + std::to_string(a.level) + ", plaintext " +
                 std::to_string(p.level) + ")");
  }
  if (p.poly.num_limbs() != p.level + 1 || p.poly.degree() != ctx.degree()) {
    fail(op, "plaintext shape does not match its level");
  }
}

std::vector<Modulus> level_moduli(const CkksContext& ctx, std::size_t level) {
  std::vector<Modulus> m;
  for (std::size_t i = 0; i <= level; ++i) m.push_back(ctx.data_modulus(i));
  return m;
}

void permute_poly(const RnsPoly& in, std::span<const std::uint32_t> perm, RnsPoly& out) {
  for (std::size_t i = 0; i < in.num_limbs(); ++i) {
    const std::span<const std::uint64_t> src = in.limb(i);
    const std::span<std::uint64_t> dst = out.limb(i);
    for (std::size_t k = 0; k < dst.size(); ++k) dst[k] = src[perm[k]];
  }
}

}  // namespace

Evaluator::Evaluator(std::shared_ptr<const CkksContext> context)
    : context_(std::move(context)), encoder_(context_) {}

void Evaluator::check_same_level_scale(const Ciphertext& a, const Ciphertext& b,
                                       const char* op) const {
  check_shape(*context_, a, op);
  check_shape(*context_, b, op);
  if (a.level != b.level) {
    fail(op, "level mismatch (" + std::to_string(a.level) + " vs " + std::to_string(b.level) +
                 "); mod-switch or rescale first");
  }
  if (!same_scale(a.scale, b.scale)) {
    fail(op, "scale mismatch (2^" + std::to_string(std::log2(a.scale)) + " vs 2^" +
                 std::to_string(std::log2(b.scale)) + ")");
  }
}

void Evaluator::add_inplace(Ciphertext& a, const Ciphertext& b) const {
  check_same_level_scale(a, b, "add");
  const std::size_t n = context_->degree();
  if (a.size() < b.size()) a.components.emplace_back(n, a.level + 1);
  for (std::size_t c = 0; c < b.size(); ++c) {
    for (std::size_t i = 0; i <= a.level; ++i) {
      poly_ops::add(a.components[c].limb(i).data(), b.components[c].limb(i).data(), n,
                    context_->data_modulus(i).value());
    }
  }
}

void Evaluator::sub_inplace(Ciphertext& a, const Ciphertext& b) const {
  check_same_level_scale(a, b, "sub");
  const std::size_t n = context_->degree();
  if (a.size() < b.size()) a.components.emplace_back(n, a.level + 1);
  for (std::size_t c = 0; c < b.size(); ++c) {
    for (std::size_t i = 0; i <= a.level; ++i) {
      poly_ops::sub(a.components[c].limb(i).data(), b.components[c].limb(i).data(), n,
                    context_->data_modulus(i).value());
    }
  }
}

void Evaluator::negate_inplace(Ciphertext& a) const {
  check_shape(*context_, a, "negate");
  for (RnsPoly& c : a.components) {
    for (std::size_t i = 0; i <= a.level; ++i) {
      poly_ops::negate(c.limb(i).data(), context_->degree(), context_->data_modulus(i).value());
    }
  }
}

void Evaluator::add_plain_inplace(Ciphertext& a, const Plaintext& p) const {
  check_plain(*context_, a, p, "add_plain");
  if (!same_scale(a.scale, p.scale)) fail("add_plain", "scale mismatch");
  for (std::size_t i = 0; i <= a.level; ++i) {
    poly_ops::add(a.components[0].limb(i).data(), p.poly.limb(i).data(), context_->degree(),
                  context_->data_modulus(i).value());
  }
}

void Evaluator::sub_plain_inplace(Ciphertext& a, const Plaintext& p) const {
  check_plain(*context_, a, p, "sub_plain");
  if (!same_scale(a.scale, p.scale)) fail("sub_plain", "scale mismatch");
  for (std::size_t i = 0; i <= a.level; ++i) {
    poly_ops::sub(a.components[0].limb(i).data(), p.poly.limb(i).data(), context_->degree(),
                  context_->data_modulus(i).value());
  }
}

void Evaluator::add_scalar_inplace(Ciphertext& a, double value) const {
  check_shape(*context_, a, "add_scalar");
  std::vector<std::uint64_t> r(a.level + 1);
  rounded_to_residues(value * a.scale, level_moduli(*context_, a.level), r);
  for (std::size_t i = 0; i <= a.level; ++i) {
    poly_ops::add_scalar(a.components[0].limb(i).data(), r[i], context_->degree(),
                         context_->data_modulus(i).value());
  }
}

Ciphertext Evaluator::add(const Ciphertext& a, const Ciphertext& b) const {
  Ciphertext r = a;
  add_inplace(r, b);
  return r;
}

Ciphertext Evaluator::sub(const Ciphertext& a, const Ciphertext& b) const {
  Ciphertext r = a;
  sub_inplace(r, b);
  return r;
}

Ciphertext Evaluator::negate(const Ciphertext& a) const {
  Ciphertext r = a;
  negate_inplace(r);
  return r;
}

Ciphertext Evaluator::add_plain(const Ciphertext& a, const Plaintext& p) const {
  Ciphertext r = a;
  add_plain_inplace(r, p);
  return r;
}

void Evaluator::multiply_plain_inplace(Ciphertext& a, const Plaintext& p) const {
  check_plain(*context_, a, p, "multiply_plain");
  const double scale = product_scale(a.scale, p.scale, "multiply_plain");
  for (RnsPoly& c : a.components) {
    for (std::size_t i = 0; i <= a.level; ++i) {
      poly_ops::mul(c.limb(i).data(), p.poly.limb(i).data(), context_->degree(),
                    context_->data_modulus(i));
    }
  }
  a.scale = scale;
}

Ciphertext Evaluator::multiply_plain(const Ciphertext& a, const Plaintext& p) const {
  Ciphertext r = a;
  multiply_plain_inplace(r, p);
  return r;
}

void Evaluator::multiply_scalar_inplace(Ciphertext& a, double value, double scale) const {
  check_shape(*context_, a, "multiply_scalar");
  if (!(scale > 0.0) || !std::isfinite(scale)) fail("multiply_scalar", "scale must be positive");
  const double new_scale = product_scale(a.scale, scale, "multiply_scalar");
  std::vector<std::uint64_t> r(a.level + 1);
  rounded_to_residues(value * scale, level_moduli(*context_, a.level), r);
  for (RnsPoly& c : a.components) {
    for (std::size_t i = 0; i <= a.level; ++i) {
      poly_ops::mul_scalar(c.limb(i).data(), r[i], context_->degree(),
                           context_->data_modulus(i).value());
    }
  }
  a.scale = new_scale;
}

void Evaluator::multiply_integer_inplace(Ciphertext& a, std::int64_t value) const {
  check_shape(*context_, a, "multiply_integer");
  for (RnsPoly& c : a.components) {
    for (std::size_t i = 0; i <= a.level; ++i) {
      const Modulus& m = context_->data_modulus(i);
      poly_ops::mul_scalar(c.limb(i).data(), reduce_i64(value, m), context_->degree(), m.value());
    }
  }
}

void Evaluator::multiply_vector_inplace(Ciphertext& a, std::span<const double> values,
                                        double scale) const {
  check_shape(*context_, a, "multiply_vector");
  multiply_plain_inplace(a, encoder_.encode(values, scale, a.level));
}

Ciphertext Evaluator::multiply(const Ciphertext& a, const Ciphertext& b) const {
  check_shape(*context_, a, "multiply");
  check_shape(*context_, b, "multiply");
  if (a.size() != 2 || b.size() != 2) fail("multiply", "operands must be relinearised");
  if (a.level != b.level) {
    fail("multiply",
         "level mismatch (" + std::to_string(a.level) + " vs " + std::to_string(b.level) + ")");
  }
  const std::size_t n = context_->degree();
  Ciphertext r;
  r.level = a.level;
  r.scale = product_scale(a.scale, b.scale, "multiply");
  r.components.assign(3, RnsPoly(n, a.level + 1));
  for (std::size_t i = 0; i <= a.level; ++i) {
    const Modulus& m = context_->data_modulus(i);
    const std::uint64_t* a0 = a.components[0].limb(i).data();
    const std::uint64_t* a1 = a.components[1].limb(i).data();
    const std::uint64_t* b0 = b.components[0].limb(i).data();
    const std::uint64_t* b1 = b.components[1].limb(i).data();
    std::uint64_t* r0 = r.components[0].limb(i).data();
    std::uint64_t* r1 = r.components[1].limb(i).data();
    std::uint64_t* r2 = r.components[2].limb(i).data();
    if (simd::tensor(a0, a1, b0, b1, r0, r1, r2, n, m.value())) continue;
    for (std::size_t k = 0; k < n; ++k) {
      r0[k] = mul_mod(a0[k], b0[k], m);
      r1[k] = reduce_u128(static_cast<u128>(a0[k]) * b1[k] + static_cast<u128>(a1[k]) * b0[k], m);
      r2[k] = mul_mod(a1[k], b1[k], m);
    }
  }
  return r;
}

namespace {

// The checks of multiply_sum; returns the output scale.
double check_multiply_sum(const CkksContext& ctx, std::span<const Ciphertext> a,
                          std::span<const Ciphertext> b, std::span<const Plaintext> plain,
                          std::size_t level) {
  const char* op = "multiply_sum";
  if (a.empty() || a.size() != b.size() || (!plain.empty() && plain.size() != a.size())) {
    fail(op, "needs as many right operands (and plaintexts, if any) as left operands");
  }
  const double scale = product_scale(a[0].scale, b[0].scale, op);
  for (std::size_t t = 0; t < a.size(); ++t) {
    check_shape(ctx, a[t], op);
    check_shape(ctx, b[t], op);
    if (a[t].size() != 2 || b[t].size() != 2) fail(op, "operands must be relinearised");
    if (a[t].level < level || b[t].level != level) {
      fail(op, "term " + std::to_string(t) + ": levels " + std::to_string(a[t].level) + " and " +
                   std::to_string(b[t].level) + " do not allow level " + std::to_string(level));
    }
    if (!plain.empty()) {
      check_plain(ctx, b[t], plain[t], op);
      if (!same_scale(b[t].scale, plain[t].scale)) fail(op, "plaintext scale mismatch");
    }
    if (!same_scale(product_scale(a[t].scale, b[t].scale, op), scale)) {
      fail(op, "term " + std::to_string(t) + " has a different product scale");
    }
  }
  return scale;
}

// Coefficients [begin, end) of limb i of multiply_sum's three components.
void multiply_sum_range(const CkksContext& ctx, std::span<const Ciphertext> a,
                        std::span<const Ciphertext> b, std::span<const Plaintext> plain,
                        std::size_t i, std::size_t begin, std::size_t end, Ciphertext& r) {
  const Modulus& m = ctx.data_modulus(i);
  const std::size_t count = a.size();
  std::uint64_t* r0 = r.components[0].limb(i).data() + begin;
  std::uint64_t* r1 = r.components[1].limb(i).data() + begin;
  std::uint64_t* r2 = r.components[2].limb(i).data() + begin;
  std::vector<const std::uint64_t*> ptr(5 * count, nullptr);  // a0, a1, b0, b1, plain
  for (std::size_t t = 0; t < count; ++t) {
    ptr[t] = a[t].components[0].limb(i).data() + begin;
    ptr[count + t] = a[t].components[1].limb(i).data() + begin;
    ptr[2 * count + t] = b[t].components[0].limb(i).data() + begin;
    ptr[3 * count + t] = b[t].components[1].limb(i).data() + begin;
    if (!plain.empty()) ptr[4 * count + t] = plain[t].poly.limb(i).data() + begin;
  }
  const std::uint64_t* const* a0 = ptr.data();
  const std::uint64_t* const* a1 = a0 + count;
  const std::uint64_t* const* b0 = a1 + count;
  const std::uint64_t* const* b1 = b0 + count;
  const std::uint64_t* const* pl = b1 + count;
  const std::size_t n = end - begin;
  if (simd::tensor_sum(count, a0, a1, b0, b1, pl, r0, r1, r2, n, m.value())) return;
  // Products < 2^120 (q < 2^60): the 2 * 32 of the middle sum stay below 2^126.
  for (std::size_t k = 0; k < n; ++k) {
    u128 s0 = 0, s1 = 0, s2 = 0;
    for (std::size_t t = 0; t < count; ++t) {
      const std::uint64_t y0 = pl[t] != nullptr ? add_mod(b0[t][k], pl[t][k], m.value()) : b0[t][k];
      s0 += static_cast<u128>(a0[t][k]) * y0;
      s1 += static_cast<u128>(a0[t][k]) * b1[t][k] + static_cast<u128>(a1[t][k]) * y0;
      s2 += static_cast<u128>(a1[t][k]) * b1[t][k];
    }
    r0[k] = reduce_u128(s0, m);
    r1[k] = reduce_u128(s1, m);
    r2[k] = reduce_u128(s2, m);
  }
}

constexpr std::size_t kMaxSumTerms = 32;

}  // namespace

Ciphertext Evaluator::multiply_sum(std::span<const Ciphertext> a, std::span<const Ciphertext> b,
                                   std::span<const Plaintext> plain, std::size_t level) const {
  const ParallelFor serial = [](std::size_t count, const std::function<void(std::size_t)>& body) {
    for (std::size_t i = 0; i < count; ++i) body(i);
  };
  return multiply_sum(a, b, plain, level, serial);
}

Ciphertext Evaluator::multiply_sum(std::span<const Ciphertext> a, std::span<const Ciphertext> b,
                                   std::span<const Plaintext> plain, std::size_t level,
                                   const ParallelFor& parallel) const {
  const double scale = check_multiply_sum(*context_, a, b, plain, level);
  if (a.size() > kMaxSumTerms) fail("multiply_sum", "too many terms");
  const std::size_t n = context_->degree();
  Ciphertext r;
  r.level = level;
  r.scale = scale;
  r.components.assign(3, RnsPoly(n, level + 1));
  // Two coefficient halves per limb: four pieces at level 1, enough for two threads.
  const std::size_t half = n % 16 == 0 ? n / 2 : n;
  const std::size_t parts = n / half;
  parallel((level + 1) * parts, [&](std::size_t task) {
    const std::size_t begin = (task % parts) * half;
    multiply_sum_range(*context_, a, b, plain, task / parts, begin, begin + half, r);
  });
  return r;
}

Ciphertext Evaluator::square(const Ciphertext& a) const { return multiply(a, a); }

void Evaluator::relinearize_inplace(Ciphertext& a, const RelinKeys& keys) const {
  check_shape(*context_, a, "relinearize");
  if (a.size() == 2) return;
  const DecomposedPoly dec = decompose(*context_, a.components[2], a.level);
  key_switch_accumulate(*context_, dec, keys.key, {}, a.components[0], a.components[1]);
  a.components.pop_back();
}

void Evaluator::relinearize_inplace(Ciphertext& a, const RelinKeys& keys,
                                    const ParallelFor& parallel) const {
  check_shape(*context_, a, "relinearize");
  if (a.size() == 2) return;
  const DecomposedPoly dec = decompose(*context_, a.components[2], a.level, parallel);
  const KeySwitchJob job{&keys.key, &a.components[0], &a.components[1]};
  key_switch_accumulate(*context_, dec, std::span(&job, 1), parallel, {});
  a.components.pop_back();
}

Ciphertext Evaluator::relinearize(const Ciphertext& a, const RelinKeys& keys) const {
  Ciphertext r = a;
  relinearize_inplace(r, keys);
  return r;
}

Ciphertext Evaluator::multiply_relin(const Ciphertext& a, const Ciphertext& b,
                                     const RelinKeys& keys) const {
  Ciphertext r = multiply(a, b);
  relinearize_inplace(r, keys);
  return r;
}

namespace {

// Divides one component (NTT form, limbs 0..l) by q_l with rounding and drops limb l.
void rescale_component(const CkksContext& ctx, RnsPoly& c, std::size_t l, U64Vector& last,
                       U64Vector& tmp) {
  const std::size_t n = ctx.degree();
  const Modulus& ql = ctx.data_modulus(l);
  const std::uint64_t half = ql.value() >> 1;
  std::copy(c.limb(l).begin(), c.limb(l).end(), last.begin());
  ctx.ntt(l).inverse(last.data());
  // r = (c + half) mod q_l; round(c / q_l) = (c + half - r) / q_l.
  if (!simd::add_constant(last.data(), half, n, ql.value())) {
    for (std::size_t k = 0; k < n; ++k) last[k] = add_mod(last[k], half, ql.value());
  }
  for (std::size_t i = 0; i < l; ++i) {
    const Modulus& qi = ctx.data_modulus(i);
    const std::uint64_t half_i = reduce_u64(half, qi);
    if (!simd::reduce_sub(last.data(), tmp.data(), half_i, n, qi.value())) {
      for (std::size_t k = 0; k < n; ++k) {
        tmp[k] = sub_mod(reduce_u64(last[k], qi), half_i, qi.value());
      }
    }
    ctx.ntt(i).forward(tmp.data());
    const std::uint64_t w = ctx.inv_last_mod_q(l, i);
    const std::uint64_t ws = ctx.inv_last_mod_q_shoup(l, i);
    std::uint64_t* ci = c.limb(i).data();
    if (simd::mul_difference(ci, tmp.data(), n, qi.value(), w, ws)) continue;
    for (std::size_t k = 0; k < n; ++k) {
      ci[k] = mul_shoup(ci[k] + qi.value() - tmp[k], w, ws, qi.value());
    }
  }
  c.resize_limbs(l);
}

}  // namespace

void Evaluator::rescale_inplace(Ciphertext& a) const {
  check_shape(*context_, a, "rescale");
  if (a.level == 0) fail("rescale", "ciphertext is at level 0, no prime left to divide by");
  const std::size_t l = a.level;
  U64Vector last(context_->degree()), tmp(context_->degree());
  for (RnsPoly& c : a.components) rescale_component(*context_, c, l, last, tmp);
  a.level = l - 1;
  a.scale /= static_cast<double>(context_->data_modulus(l).value());
}

void Evaluator::rescale_inplace(Ciphertext& a, const ParallelFor& parallel) const {
  check_shape(*context_, a, "rescale");
  if (a.level == 0) fail("rescale", "ciphertext is at level 0, no prime left to divide by");
  const std::size_t l = a.level;
  parallel(a.components.size(), [&](std::size_t i) {
    U64Vector last(context_->degree()), tmp(context_->degree());
    rescale_component(*context_, a.components[i], l, last, tmp);
  });
  a.level = l - 1;
  a.scale /= static_cast<double>(context_->data_modulus(l).value());
}

Ciphertext Evaluator::rescale(const Ciphertext& a) const {
  Ciphertext r = a;
  rescale_inplace(r);
  return r;
}

void Evaluator::mod_switch_to_inplace(Ciphertext& a, std::size_t level) const {
  check_shape(*context_, a, "mod_switch");
  if (level > a.level) {
    fail("mod_switch",
         "cannot raise level " + std::to_string(a.level) + " to " + std::to_string(level));
  }
  for (RnsPoly& c : a.components) c.resize_limbs(level + 1);
  a.level = level;
}

void Evaluator::mod_switch_to_inplace(Plaintext& p, std::size_t level) const {
  if (level > p.level || p.poly.num_limbs() != p.level + 1) {
    fail("mod_switch", "cannot switch plaintext at level " + std::to_string(p.level) +
                           " to level " + std::to_string(level));
  }
  p.poly.resize_limbs(level + 1);
  p.level = level;
}

namespace {

// Rotation with a pre-permuted Galois key (keys.hpp): (u0, u1) = c0 + KS(c1), then X -> X^g.
Ciphertext galois_from_decomposition(const CkksContext& ctx, const Ciphertext& a,
                                     const DecomposedPoly& dec, std::uint32_t galois_elt,
                                     const KSwitchKey& key, std::vector<std::uint32_t>& perm) {
  RnsPoly u0 = a.components[0];
  RnsPoly u1(ctx.degree(), a.level + 1);
  key_switch_accumulate(ctx, dec, key, {}, u0, u1);
  ntt_galois_permutation(galois_elt, ctx.bit_reverse_table(), perm);
  Ciphertext r;
  r.level = a.level;
  r.scale = a.scale;
  r.components.assign(2, RnsPoly(ctx.degree(), a.level + 1));
  permute_poly(u0, perm, r.components[0]);
  permute_poly(u1, perm, r.components[1]);
  return r;
}

// Several automorphisms of `a` from one decomposition, through `parallel` (keys[s] == nullptr:
// the identity, a copy). Bit-identical to galois_from_decomposition per element.
std::vector<Ciphertext> galois_parallel(const CkksContext& ctx, const Ciphertext& a,
                                        const DecomposedPoly& dec,
                                        std::span<const std::uint32_t> elements,
                                        std::span<const KSwitchKey* const> keys,
                                        const ParallelFor& parallel) {
  const std::size_t n = ctx.degree();
  std::vector<Ciphertext> out(elements.size());
  std::vector<RnsPoly> u;  // (u0, u1) per job: c0 + KS(c1), before the permutation
  std::vector<std::size_t> job_element;
  u.reserve(2 * elements.size());
  for (std::size_t s = 0; s < elements.size(); ++s) {
    if (keys[s] == nullptr) {
      out[s] = a;
      continue;
    }
    out[s].level = a.level;
    out[s].scale = a.scale;
    out[s].components.assign(2, RnsPoly(n, a.level + 1));
    u.push_back(a.components[0]);
    u.emplace_back(n, a.level + 1);
    job_element.push_back(s);
  }
  std::vector<KeySwitchJob> jobs;
  for (std::size_t j = 0; j < job_element.size(); ++j) {
    jobs.push_back({keys[job_element[j]], &u[2 * j], &u[2 * j + 1]});
  }
  key_switch_accumulate(ctx, dec, jobs, parallel, [&](std::size_t j, std::size_t c) {
    const std::size_t s = job_element[j];
    std::vector<std::uint32_t> perm;
    ntt_galois_permutation(elements[s], ctx.bit_reverse_table(), perm);
    permute_poly(u[2 * j + c], perm, out[s].components[c]);
  });
  return out;
}

}  // namespace

namespace {

// The checks of every rotation; the key switching key of `galois_elt`, or nullptr when the element
// is the identity (the rotation is then a copy).
const KSwitchKey* rotation_key(const CkksContext& ctx, const Ciphertext& a,
                               std::uint32_t galois_elt, const GaloisKeys& keys) {
  check_shape(ctx, a, "rotate");
  if (a.size() != 2) fail("rotate", "ciphertext must be relinearised first");
  if (galois_elt == 1) return nullptr;
  const auto it = keys.keys.find(galois_elt);
  if (it == keys.keys.end()) {
    fail("rotate", "no Galois key for element " + std::to_string(galois_elt));
  }
  return &it->second;
}

}  // namespace

Ciphertext Evaluator::apply_galois(const Ciphertext& a, std::uint32_t galois_elt,
                                   const GaloisKeys& keys) const {
  const KSwitchKey* key = rotation_key(*context_, a, galois_elt, keys);
  if (key == nullptr) return a;
  const DecomposedPoly dec = decompose(*context_, a.components[1], a.level);
  std::vector<std::uint32_t> perm;
  return galois_from_decomposition(*context_, a, dec, galois_elt, *key, perm);
}

Ciphertext Evaluator::apply_galois(const Ciphertext& a, std::uint32_t galois_elt,
                                   const GaloisKeys& keys, const ParallelFor& parallel) const {
  const KSwitchKey* key = rotation_key(*context_, a, galois_elt, keys);
  if (key == nullptr) return a;
  const DecomposedPoly dec = decompose(*context_, a.components[1], a.level, parallel);
  return std::move(
      galois_parallel(*context_, a, dec, std::span(&galois_elt, 1), std::span(&key, 1), parallel)
          .front());
}

Ciphertext Evaluator::rotate(const Ciphertext& a, int steps, const GaloisKeys& keys) const {
  const std::uint32_t elt = galois_element_for_step(steps, context_->degree());
  if (elt != 1 && !keys.keys.contains(elt)) {
    fail("rotate", "no Galois key for rotation by " + std::to_string(steps) + " (element " +
                       std::to_string(elt) + ")");
  }
  return apply_galois(a, elt, keys);
}

Ciphertext Evaluator::rotate(const Ciphertext& a, int steps, const GaloisKeys& keys,
                             const ParallelFor& parallel) const {
  const std::uint32_t elt = galois_element_for_step(steps, context_->degree());
  if (elt != 1 && !keys.keys.contains(elt)) {
    fail("rotate", "no Galois key for rotation by " + std::to_string(steps) + " (element " +
                       std::to_string(elt) + ")");
  }
  return apply_galois(a, elt, keys, parallel);
}

Ciphertext Evaluator::conjugate(const Ciphertext& a, const GaloisKeys& keys) const {
  const std::uint32_t elt = conjugation_element(context_->degree());
  if (!keys.keys.contains(elt)) fail("conjugate", "no Galois key for conjugation");
  return apply_galois(a, elt, keys);
}

namespace {

// The Galois elements of `steps` and their keys (nullptr for the identity, step 0).
std::pair<std::vector<std::uint32_t>, std::vector<const KSwitchKey*>> hoisted_keys(
    const CkksContext& ctx, std::span<const int> steps, const GaloisKeys& keys) {
  std::vector<const KSwitchKey*> step_keys;
  std::vector<std::uint32_t> elements;
  for (const int step : steps) {
    const std::uint32_t elt = galois_element_for_step(step, ctx.degree());
    const auto it = keys.keys.find(elt);
    if (elt != 1 && it == keys.keys.end()) {
      fail("rotate_hoisted", "no Galois key for rotation by " + std::to_string(step));
    }
    elements.push_back(elt);
    step_keys.push_back(elt == 1 ? nullptr : &it->second);
  }
  return {std::move(elements), std::move(step_keys)};
}

}  // namespace

std::vector<Ciphertext> Evaluator::rotate_hoisted(const Ciphertext& a, std::span<const int> steps,
                                                  const GaloisKeys& keys) const {
  check_shape(*context_, a, "rotate_hoisted");
  if (a.size() != 2) fail("rotate_hoisted", "ciphertext must be relinearised first");
  const auto [elements, step_keys] = hoisted_keys(*context_, steps, keys);
  std::vector<Ciphertext> out(steps.size());
  const DecomposedPoly dec = decompose(*context_, a.components[1], a.level);
  std::vector<std::uint32_t> perm;
  for (std::size_t s = 0; s < steps.size(); ++s) {
    out[s] = step_keys[s] == nullptr
                 ? a
                 : galois_from_decomposition(*context_, a, dec, elements[s], *step_keys[s], perm);
  }
  return out;
}

std::vector<Ciphertext> Evaluator::rotate_hoisted(const Ciphertext& a, std::span<const int> steps,
                                                  const GaloisKeys& keys,
                                                  const ParallelFor& parallel) const {
  check_shape(*context_, a, "rotate_hoisted");
  if (a.size() != 2) fail("rotate_hoisted", "ciphertext must be relinearised first");
  const auto [elements, step_keys] = hoisted_keys(*context_, steps, keys);
  const DecomposedPoly dec = decompose(*context_, a.components[1], a.level, parallel);
  return galois_parallel(*context_, a, dec, elements, step_keys, parallel);
}

Ciphertext Evaluator::rotate_and_sum(const Ciphertext& a, std::size_t count, int stride,
                                     const GaloisKeys& keys) const {
  if (count == 0 || !std::has_single_bit(count)) {
    fail("rotate_and_sum", "count " + std::to_string(count) + " is not a power of two");
  }
  Ciphertext acc = a;
  for (std::size_t shift = 1; shift < count; shift <<= 1) {
    const Ciphertext rotated = rotate(acc, static_cast<int>(shift) * stride, keys);
    add_inplace(acc, rotated);
  }
  return acc;
}

Ciphertext Evaluator::rotate_and_sum(const Ciphertext& a, std::size_t count, int stride,
                                     const GaloisKeys& keys, const ParallelFor& parallel) const {
  if (count == 0 || !std::has_single_bit(count)) {
    fail("rotate_and_sum", "count " + std::to_string(count) + " is not a power of two");
  }
  Ciphertext acc = a;
  for (std::size_t shift = 1; shift < count; shift <<= 1) {
    const Ciphertext rotated = rotate(acc, static_cast<int>(shift) * stride, keys, parallel);
    add_inplace(acc, rotated);
  }
  return acc;
}

}  // namespace hesplit::ckks
