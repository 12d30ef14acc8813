#include "packing/encrypted_layer.hpp"

#include <bit>
#include <cmath>
#include <complex>
#include <functional>
#include <stdexcept>
#include <string>

#include "ckks/encoder.hpp"
#include "packing/client_codec.hpp"

namespace hesplit::packing {
namespace {

using ckks::Ciphertext;
using ckks::Plaintext;

constexpr double kScaleTolerance = 1e-9;

bool close_scale(double a, double b) noexcept {
  return std::fabs(a - b) <= kScaleTolerance * std::max(std::fabs(a), std::fabs(b));
}

Ciphertext transparent_zero(const ckks::CkksContext& ctx, std::size_t level, double scale) {
  Ciphertext c;
  c.level = level;
  c.scale = scale;
  c.components.assign(2, ckks::RnsPoly(ctx.degree(), level + 1));
  return c;
}

std::size_t log2_size(std::size_t v) noexcept {
  return static_cast<std::size_t>(std::countr_zero(v));
}

}  // namespace

EncryptedSplitLayer::EncryptedSplitLayer(std::shared_ptr<const ckks::CkksContext> context,
                                         SplitLayout layout, std::span<const double> w0,
                                         std::span<const double> b0, Scales scales)
    : context_(std::move(context)),
      evaluator_(context_),
      layout_(layout),
      scales_(scales),
      top_level_(context_->max_level()) {
  if (top_level_ < 2) {
    throw std::invalid_argument(
        "encrypted split layer: needs at least 3 data primes, the context has " +
        std::to_string(top_level_ + 1));
  }
  if (layout_.slot_count() != context_->slot_count()) {
    throw std::invalid_argument("encrypted split layer: layout has " +
                                std::to_string(layout_.slot_count()) + " slots, context " +
                                std::to_string(context_->slot_count()));
  }
  const std::size_t c = layout_.classes();
  const std::size_t d = layout_.features();
  if (w0.size() != c * d || b0.size() != c) {
    throw std::invalid_argument("encrypted split layer: W0 must be " + std::to_string(c) + " x " +
                                std::to_string(d) + " and b0 " + std::to_string(c) + " values");
  }
  if (!(scales.activations > 0.0) || !(scales.gradients > 0.0)) {
    throw std::invalid_argument("encrypted split layer: scales must be positive");
  }
  const StateScales fixed = state_scales(*context_, scales);
  delta_scale_ = fixed.delta;
  bias_scale_ = fixed.bias;

  const std::size_t level = top_level_ - 1;
  const ckks::CkksEncoder encoder(context_);
  const SplitClientCodec codec(layout_);
  for (std::size_t t = 0; t < layout_.shifts(); ++t) {
    w0_diagonals_.push_back(encoder.encode(codec.pack_diagonal(w0, t), delta_scale_, level));
    delta_.push_back(transparent_zero(*context_, level, delta_scale_));
  }
  std::vector<std::complex<double>> bias(layout_.slot_count());
  for (std::size_t b = 0; b < layout_.blocks(); ++b) {
    for (std::size_t i = 0; i < c; ++i)
      bias[b * layout_.block_size() + layout_.window_start(i)] = {b0[i], b0[i]};
  }
  b0_ = encoder.encode(bias, bias_scale_, level);
  const std::vector<std::complex<double>> unit(layout_.slot_count(), {0.0, 1.0});
  imaginary_unit_ = encoder.encode(unit, 1.0, level);
  delta_bias_ = transparent_zero(*context_, level, bias_scale_);
}

EncryptedSplitLayer::StateScales EncryptedSplitLayer::state_scales(const ckks::CkksContext& context,
                                                                   Scales scales) {
  const std::size_t top = context.max_level();
  if (top < 2) {
    throw std::invalid_argument("encrypted split layer: needs at least 3 data primes");
  }
  const double q_top = static_cast<double>(context.data_modulus(top).value());
  // Delta and delta live one level down; the forward and the backward multiply there and
  // rescale once by that level's prime, then only switch modulus (scale unchanged).
  const double q_below = static_cast<double>(context.data_modulus(top - 1).value());
  StateScales out;
  // The update's trace doubles the value; the factor is kept in the scale (exact).
  out.delta = 2.0 * (scales.activations * scales.gradients / q_top);
  out.bias = scales.activations * out.delta;
  out.logits = scales.activations * out.delta / q_below;
  out.input_gradients = scales.gradients * out.delta / q_below;
  return out;
}

void EncryptedSplitLayer::set_state(std::vector<Ciphertext> delta_diagonals,
                                    Ciphertext delta_bias) {
  if (delta_diagonals.size() != layout_.shifts()) {
    throw std::invalid_argument("encrypted split layer: expected " +
                                std::to_string(layout_.shifts()) + " Delta diagonals, got " +
                                std::to_string(delta_diagonals.size()));
  }
  const std::size_t level = top_level_ - 1;
  for (std::size_t t = 0; t < delta_diagonals.size(); ++t) {
    const Ciphertext& c = delta_diagonals[t];
    if (c.level != level || c.size() != 2 || !close_scale(c.scale, delta_scale_)) {
      throw std::invalid_argument("encrypted split layer: Delta diagonal " + std::to_string(t) +
                                  " has the wrong level, size or scale");
    }
  }
  if (delta_bias.level != level || delta_bias.size() != 2 ||
      !close_scale(delta_bias.scale, bias_scale_)) {
    throw std::invalid_argument(
        "encrypted split layer: delta (bias) has the wrong level, size or scale");
  }
  delta_ = std::move(delta_diagonals);
  delta_bias_ = std::move(delta_bias);
}

void EncryptedSplitLayer::check_input(const Ciphertext& c, double scale, const char* what) const {
  if (c.level != top_level_ || c.size() != 2) {
    throw std::invalid_argument(
        std::string("encrypted split layer: ") + what + " must be a fresh ciphertext at level " +
        std::to_string(top_level_) + " (got level " + std::to_string(c.level) + ", " +
        std::to_string(c.size()) + " components)");
  }
  if (!close_scale(c.scale, scale)) {
    throw std::invalid_argument(std::string("encrypted split layer: ") + what + " has scale 2^" +
                                std::to_string(std::log2(c.scale)) + ", expected 2^" +
                                std::to_string(std::log2(scale)));
  }
}

namespace {

// Runs body(i) for i < count on the pool, or inline without one.
void run(WorkerPool* pool, std::size_t count, const std::function<void(std::size_t)>& body) {
  if (pool != nullptr) {
    pool->parallel_for(count, body);
  } else {
    for (std::size_t i = 0; i < count; ++i) body(i);
  }
}

}  // namespace

ShiftedActivations EncryptedSplitLayer::shift(const Ciphertext& a, const SplitEvalKeys& keys,
                                              KeySwitchCount& count, WorkerPool* pool) const {
  check_input(a, scales_.activations, "Enc(A)");
  // With a pool the three rotations share the threads piece by piece (decomposition digits,
  // coefficient halves of the inner products, ModDown per component; key_switch.hpp): whole
  // rotations per thread were slower (three pieces on two threads, condition-variable hand-off).
  std::vector<int> steps(layout_.shifts());
  for (std::size_t t = 0; t < steps.size(); ++t) steps[t] = static_cast<int>(t);
  ShiftedActivations out{
      pool != nullptr ? evaluator_.rotate_hoisted(a, steps, keys.galois, pool->as_parallel_for())
                      : evaluator_.rotate_hoisted(a, steps, keys.galois)};
  count.rotations += layout_.shifts() - 1;
  return out;
}

Ciphertext EncryptedSplitLayer::forward(const ShiftedActivations& a, const SplitEvalKeys& keys,
                                        KeySwitchCount& count, WorkerPool* pool) const {
  if (a.shifted.size() != layout_.shifts()) {
    throw std::invalid_argument("encrypted split layer: forward needs the " +
                                std::to_string(layout_.shifts()) + " shifted activations");
  }
  const std::size_t level = top_level_ - 1;
  // Lazy relinearisation: sum_t R_t (Delta_t + W0_t) in one pass per limb (the shifts are read at
  // level L-1), relinearised once. On the calling thread even with a pool: 44 us alone, 57-65 us
  // split in four (memory-bound; measured).
  // Evaluator::multiply_sum takes at most 32 terms: more shifts (c > 33) add chunk sums, which
  // is the same sum (exact modular arithmetic).
  constexpr std::size_t kChunk = 32;
  const std::span<const Ciphertext> shifted(a.shifted), delta(delta_);
  const std::span<const ckks::Plaintext> w0(w0_diagonals_);
  Ciphertext acc = evaluator_.multiply_sum(shifted.first(std::min(kChunk, shifted.size())),
                                           delta.first(std::min(kChunk, delta.size())),
                                           w0.first(std::min(kChunk, w0.size())), level);
  for (std::size_t first = kChunk; first < shifted.size(); first += kChunk) {
    const std::size_t n = std::min(kChunk, shifted.size() - first);
    evaluator_.add_inplace(
        acc, evaluator_.multiply_sum(shifted.subspan(first, n), delta.subspan(first, n),
                                     w0.subspan(first, n), level));
  }
  evaluator_.add_inplace(acc, delta_bias_);
  evaluator_.add_plain_inplace(acc, b0_);
  const std::size_t window = layout_.window_length();
  const int stride = static_cast<int>(layout_.shifts());
  Ciphertext z;
  if (pool != nullptr) {
    // The rest is a chain of key switches (relinearisation, then log2(window) rotations each
    // needing the previous one): each is split over the threads (key_switch.hpp).
    const ckks::ParallelFor parallel = pool->as_parallel_for();
    evaluator_.relinearize_inplace(acc, keys.relin, parallel);
    evaluator_.rescale_inplace(acc, parallel);
    z = evaluator_.rotate_and_sum(acc, window, stride, keys.galois, parallel);
  } else {
    evaluator_.relinearize_inplace(acc, keys.relin);
    evaluator_.rescale_inplace(acc);
    z = evaluator_.rotate_and_sum(acc, window, stride, keys.galois);
  }
  ++count.relinearizations;
  count.rotations += log2_size(window);
  evaluator_.mod_switch_to_inplace(z, 0);
  return z;
}

Ciphertext EncryptedSplitLayer::backward_term(std::size_t t, const Ciphertext& g,
                                              const SplitEvalKeys& keys) const {
  // G is read one level down (as mod_switch_to would leave it), without a copy.
  Ciphertext term =
      evaluator_.multiply_sum({&g, 1}, {&delta_[t], 1}, {&w0_diagonals_[t], 1}, top_level_ - 1);
  evaluator_.relinearize_inplace(term, keys.relin);
  // Rescale first: the rotation back to the feature position is cheaper at the lower level.
  evaluator_.rescale_inplace(term);
  if (t == 0) return term;
  return evaluator_.rotate(term, -static_cast<int>(t), keys.galois);
}

Ciphertext EncryptedSplitLayer::backward(const Ciphertext& g, const SplitEvalKeys& keys,
                                         KeySwitchCount& count, WorkerPool* pool) const {
  check_input(g, scales_.gradients, "Enc(eta G)");
  std::vector<Ciphertext> terms(layout_.shifts());
  run(pool, terms.size(), [&](std::size_t t) { terms[t] = backward_term(t, g, keys); });
  Ciphertext out = std::move(terms[0]);
  for (std::size_t t = 1; t < terms.size(); ++t) evaluator_.add_inplace(out, terms[t]);
  count.relinearizations += layout_.shifts();
  count.rotations += layout_.shifts() - 1;
  evaluator_.mod_switch_to_inplace(out, 0);
  return out;
}

Ciphertext EncryptedSplitLayer::diagonal_step(std::size_t t,
                                              std::span<const ShiftedActivations> activations,
                                              std::span<const Ciphertext> gradients,
                                              const SplitEvalKeys& keys) const {
  // Lazy: the products of every ciphertext of the batch share one relinearisation and trace.
  Ciphertext x = evaluator_.multiply(activations[0].shifted[t], gradients[0]);
  for (std::size_t c = 1; c < activations.size(); ++c) {
    evaluator_.add_inplace(x, evaluator_.multiply(activations[c].shifted[t], gradients[c]));
  }
  evaluator_.relinearize_inplace(x, keys.relin);
  evaluator_.rescale_inplace(x);
  // Sum over the sample pairs (rotations by whole blocks), then X + conj(X) keeps 2 Re(X).
  x = evaluator_.rotate_and_sum(x, layout_.blocks(), static_cast<int>(layout_.block_size()),
                                keys.galois);
  evaluator_.add_inplace(x, evaluator_.conjugate(x, keys.galois));
  x.scale *= 2.0;  // the trace doubled the value (see delta_scale_)
  return x;
}

void EncryptedSplitLayer::update(std::span<const ShiftedActivations> activations,
                                 std::span<const Ciphertext> gradients, const SplitEvalKeys& keys,
                                 KeySwitchCount& count, WorkerPool* pool) {
  if (activations.empty() || activations.size() != gradients.size()) {
    throw std::invalid_argument(
        "encrypted split layer: update needs one Enc(eta G) per Enc(A) (got " +
        std::to_string(activations.size()) + " and " + std::to_string(gradients.size()) + ")");
  }
  for (const Ciphertext& g : gradients) check_input(g, scales_.gradients, "Enc(eta G)");
  for (const ShiftedActivations& a : activations) {
    if (a.shifted.size() != layout_.shifts()) {
      throw std::invalid_argument("encrypted split layer: update needs the " +
                                  std::to_string(layout_.shifts()) + " shifted activations");
    }
  }
  // Tasks 0..3: the diagonals; task 4: the bias. All independent until the final subtraction.
  const std::size_t shifts = layout_.shifts();
  std::vector<Ciphertext> steps(shifts + 1);
  run(pool, steps.size(), [&](std::size_t i) {
    steps[i] =
        i < shifts ? diagonal_step(i, activations, gradients, keys) : bias_step(gradients, keys);
  });
  subtract_steps(steps, pool);
  const std::size_t trace = log2_size(layout_.blocks()) + 1;
  count.relinearizations += shifts;
  count.rotations += (shifts + 1) * trace;
}

void EncryptedSplitLayer::subtract_steps(std::span<const Ciphertext> steps, WorkerPool* pool) {
  run(pool, steps.size(), [&](std::size_t i) {
    evaluator_.sub_inplace(i < layout_.shifts() ? delta_[i] : delta_bias_, steps[i]);
  });
}

Ciphertext EncryptedSplitLayer::backward_and_update(const ShiftedActivations& activations,
                                                    const Ciphertext& gradients,
                                                    const SplitEvalKeys& keys,
                                                    KeySwitchCount& count, WorkerPool* pool) {
  check_input(gradients, scales_.gradients, "Enc(eta G)");
  if (activations.shifted.size() != layout_.shifts()) {
    throw std::invalid_argument("encrypted split layer: update needs the " +
                                std::to_string(layout_.shifts()) + " shifted activations");
  }
  const std::span<const ShiftedActivations> a(&activations, 1);
  const std::span<const Ciphertext> g(&gradients, 1);
  // Tasks: S diagonal updates (1 + trace key switches each), the bias (the trace), then the S
  // backward terms t = S-1..0 (heaviest first).
  const std::size_t shifts = layout_.shifts();
  std::vector<Ciphertext> steps(shifts + 1), terms(shifts);
  run(pool, steps.size() + terms.size(), [&](std::size_t i) {
    if (i < shifts) {
      steps[i] = diagonal_step(i, a, g, keys);
    } else if (i == shifts) {
      steps[i] = bias_step(g, keys);
    } else {
      const std::size_t t = shifts - 1 - (i - shifts - 1);
      terms[t] = backward_term(t, gradients, keys);
    }
  });
  // Delta changes only now, after every backward term has read it.
  subtract_steps(steps, pool);
  Ciphertext out = std::move(terms[0]);
  for (std::size_t t = 1; t < shifts; ++t) evaluator_.add_inplace(out, terms[t]);
  evaluator_.mod_switch_to_inplace(out, 0);
  const std::size_t trace = log2_size(layout_.blocks()) + 1;
  count.relinearizations += 2 * shifts;
  count.rotations += (shifts + 1) * trace + shifts - 1;
  return out;
}

Ciphertext EncryptedSplitLayer::bias_step(std::span<const Ciphertext> gradients,
                                          const SplitEvalKeys& keys) const {
  const std::size_t level = top_level_ - 1;
  Ciphertext s = gradients[0];
  for (std::size_t c = 1; c < gradients.size(); ++c) evaluator_.add_inplace(s, gradients[c]);
  evaluator_.mod_switch_to_inplace(s, level);
  s = evaluator_.rotate_and_sum(s, layout_.blocks(), static_cast<int>(layout_.block_size()),
                                keys.galois);
  // i S + conj(S) = (1 + i) sum_k eta g_k[row] at every window position (docs/packing.md).
  Ciphertext u = evaluator_.multiply_plain(s, imaginary_unit_);
  evaluator_.add_inplace(u, evaluator_.conjugate(s, keys.galois));
  // The RaS of the forward adds the window's d/4 copies: store value/(d/4) at Y's scale, by an
  // integer factor (relative rounding error 1/factor, about 2^-35 for sealed-8192).
  const double factor = bias_scale_ / (static_cast<double>(layout_.window_length()) * u.scale);
  const double rounded = std::round(factor);
  if (!(rounded >= 1.0) || rounded > 9.0e18) {
    throw std::invalid_argument(
        "encrypted split layer: the scales leave no integer factor for the bias");
  }
  evaluator_.multiply_integer_inplace(u, static_cast<std::int64_t>(rounded));
  u.scale = bias_scale_;
  return u;
}

}  // namespace hesplit::packing
