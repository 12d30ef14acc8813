#include "packing/client_codec.hpp"

#include <stdexcept>
#include <string>

namespace hesplit::packing {

void SplitClientCodec::check_samples(std::size_t samples, std::size_t values, std::size_t width,
                                     const char* what) const {
  if (samples > layout_.samples_per_ciphertext()) {
    throw std::invalid_argument(
        std::string(what) + ": " + std::to_string(samples) + " samples exceed the " +
        std::to_string(layout_.samples_per_ciphertext()) + " that one ciphertext holds");
  }
  if (values != samples * width) {
    throw std::invalid_argument(std::string(what) + ": expected " +
                                std::to_string(samples * width) + " values, got " +
                                std::to_string(values));
  }
}

SlotVector SplitClientCodec::pack_activations(std::span<const double> a,
                                              std::size_t samples) const {
  const std::size_t d = layout_.features();
  check_samples(samples, a.size(), d, "pack_activations");
  const std::size_t w = layout_.width();
  SlotVector slots(layout_.slot_count());
  for (std::size_t k = 0; k < samples; ++k) {
    const std::size_t base = (k / 2) * layout_.block_size();
    for (std::size_t p = 0; p < layout_.block_size(); ++p) {
      if (p % w >= d) continue;  // padding features stay zero
      const double v = a[k * d + p % w];
      slots[base + p] += (k % 2 == 0) ? std::complex<double>(v, 0.0) : std::complex<double>(0.0, v);
    }
  }
  return slots;
}

SlotVector SplitClientCodec::pack_gradients(std::span<const double> g, std::size_t samples,
                                            double eta) const {
  const std::size_t c = layout_.classes();
  check_samples(samples, g.size(), c, "pack_gradients");
  SlotVector slots(layout_.slot_count());
  for (std::size_t k = 0; k < samples; ++k) {
    const std::size_t base = (k / 2) * layout_.block_size();
    for (std::size_t p = 0; p < layout_.block_size(); ++p) {
      const int row = layout_.row_at(p);
      if (row < 0) continue;
      const double v = eta * g[k * c + static_cast<std::size_t>(row)];
      // Conjugate packing: the update's real part then sums the pair (docs/packing.md).
      slots[base + p] +=
          (k % 2 == 0) ? std::complex<double>(v, 0.0) : std::complex<double>(0.0, -v);
    }
  }
  return slots;
}

std::vector<double> SplitClientCodec::unpack_logits(std::span<const std::complex<double>> slots,
                                                    std::size_t samples) const {
  const std::size_t c = layout_.classes();
  check_samples(samples, samples * c, c, "unpack_logits");
  if (slots.size() != layout_.slot_count()) {
    throw std::invalid_argument("unpack_logits: expected " + std::to_string(layout_.slot_count()) +
                                " slots, got " + std::to_string(slots.size()));
  }
  std::vector<double> z(samples * c);
  for (std::size_t k = 0; k < samples; ++k) {
    const std::size_t base = (k / 2) * layout_.block_size();
    for (std::size_t i = 0; i < c; ++i) {
      const std::complex<double> v = slots[base + layout_.window_start(i)];
      z[k * c + i] = (k % 2 == 0) ? v.real() : v.imag();
    }
  }
  return z;
}

std::vector<double> SplitClientCodec::unpack_input_gradients(
    std::span<const std::complex<double>> slots, std::size_t samples, double eta) const {
  const std::size_t d = layout_.features();
  check_samples(samples, samples * d, d, "unpack_input_gradients");
  if (slots.size() != layout_.slot_count()) {
    throw std::invalid_argument("unpack_input_gradients: expected " +
                                std::to_string(layout_.slot_count()) + " slots, got " +
                                std::to_string(slots.size()));
  }
  if (!(eta != 0.0)) throw std::invalid_argument("unpack_input_gradients: eta must be nonzero");
  std::vector<double> da(samples * d);
  for (std::size_t k = 0; k < samples; ++k) {
    const std::size_t base = (k / 2) * layout_.block_size();
    for (std::size_t j = 0; j < d; ++j) {
      // The two copies of feature j hold complementary partial sums over the rows.
      const std::complex<double> v = slots[base + j] + slots[base + j + layout_.width()];
      da[k * d + j] = ((k % 2 == 0) ? v.real() : -v.imag()) / eta;
    }
  }
  return da;
}

SlotVector SplitClientCodec::pack_diagonal(std::span<const double> w, std::size_t t) const {
  const std::size_t d = layout_.features();
  if (w.size() != layout_.classes() * d || t >= layout_.shifts()) {
    throw std::invalid_argument("pack_diagonal: expected " + std::to_string(layout_.classes()) +
                                " x " + std::to_string(d) + " values and a shift below " +
                                std::to_string(layout_.shifts()));
  }
  SlotVector slots(layout_.slot_count());
  for (std::size_t p = 0; p < layout_.block_size(); ++p) {
    const int row = layout_.row_at(p);
    const std::size_t feature = layout_.feature_at(p, t);
    if (row < 0 || feature >= d) continue;
    const double value = w[static_cast<std::size_t>(row) * d + feature];
    for (std::size_t b = 0; b < layout_.blocks(); ++b) slots[b * layout_.block_size() + p] = value;
  }
  return slots;
}

std::vector<double> SplitClientCodec::unpack_layer(std::span<const SlotVector> diagonals) const {
  if (diagonals.size() != layout_.shifts()) {
    throw std::invalid_argument("unpack_layer: expected " + std::to_string(layout_.shifts()) +
                                " diagonals, got " + std::to_string(diagonals.size()));
  }
  const std::size_t d = layout_.features();
  std::vector<double> w(layout_.classes() * d);
  for (std::size_t t = 0; t < layout_.shifts(); ++t) {
    if (diagonals[t].size() < layout_.block_size()) {
      throw std::invalid_argument("unpack_layer: diagonal " + std::to_string(t) + " too short");
    }
    for (std::size_t p = 0; p < layout_.block_size(); ++p) {
      const int row = layout_.row_at(p);
      const std::size_t feature = layout_.feature_at(p, t);
      if (row < 0 || feature >= d) continue;
      w[static_cast<std::size_t>(row) * d + feature] = diagonals[t][p].real();
    }
  }
  return w;
}

std::vector<double> SplitClientCodec::unpack_bias(
    std::span<const std::complex<double>> slots) const {
  if (slots.size() < layout_.block_size()) {
    throw std::invalid_argument("unpack_bias: expected at least " +
                                std::to_string(layout_.block_size()) + " slots, got " +
                                std::to_string(slots.size()));
  }
  std::vector<double> bias(layout_.classes());
  for (std::size_t i = 0; i < bias.size(); ++i) {
    // The forward's rotate-and-sum adds the window's positions; do the same (block 0).
    for (std::size_t u = 0; u < layout_.window_length(); ++u) {
      bias[i] += slots[layout_.window_start(i) + layout_.shifts() * u].real();
    }
  }
  return bias;
}

}  // namespace hesplit::packing
