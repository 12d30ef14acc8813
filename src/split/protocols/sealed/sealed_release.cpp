#include "split/protocols/sealed/sealed_release.hpp"

#include <cmath>
#include <complex>
#include <memory>

#include "packing/encrypted_layer.hpp"
#include "split/protocols/he/he_protocol.hpp"

namespace hesplit::split {

namespace {

using Slots = std::vector<std::complex<double>>;

// delta in window layout: (1 + i) delta_r / window_length at every position of row r's window
// in every block (the bias update's i S + conj(S), divided by the window's copies).
Slots expected_bias(const packing::SplitLayout& layout, const std::vector<double>& bias) {
  Slots slots(layout.slot_count());
  const double copies = static_cast<double>(layout.window_length());
  for (std::size_t b = 0; b < layout.blocks(); ++b) {
    for (std::size_t r = 0; r < layout.classes(); ++r) {
      for (std::size_t u = 0; u < layout.window_length(); ++u) {
        const std::size_t s =
            b * layout.block_size() + layout.window_start(r) + layout.shifts() * u;
        slots[s] = {bias[r] / copies, bias[r] / copies};
      }
    }
  }
  return slots;
}

double deviation(const Slots& decrypted, const Slots& expected) {
  double worst = 0.0;
  for (std::size_t s = 0; s < expected.size(); ++s) {
    const double d = std::abs(decrypted[s] - expected[s]);
    worst = std::isnan(d) ? INFINITY : std::max(worst, d);
  }
  return worst;
}

}  // namespace

double verify_server_layer(const HeClientCrypto& crypto, const SealedLayerState& state,
                           const nn::ServerHead& initial, const OwnDelta& expected,
                           const std::string& source, double tolerance) {
  const packing::SplitLayout& layout = crypto.layout();
  const auto fail = [&source](const std::string& what) {
    throw LayerMismatch(source + ": " + what + "; nothing was released");
  };
  if (state.classes != layout.classes() || state.features != layout.features()) {
    fail("holds a " + std::to_string(state.classes) + " x " + std::to_string(state.features) +
         " layer, this run's is " + std::to_string(layout.classes()) + " x " +
         std::to_string(layout.features()));
  }
  if (state.w0 != initial.weight().data || state.b0 != initial.bias().data) {
    fail("its W0, b0 are not this run's initial weights (the run's seed rebuilds them)");
  }
  if (state.delta.size() != layout.shifts() + 1) {
    fail("holds " + std::to_string(state.delta.size()) + " ciphertexts, expected " +
         std::to_string(layout.shifts() + 1));
  }
  // Levels and scales exactly as the server's layer keeps them (a crafted scale would decode to
  // anything).
  const HeScales scales = he_scales(crypto.context());
  packing::EncryptedSplitLayer layer(crypto.context_ptr(), layout,
                                     std::vector<double>(state.w0.begin(), state.w0.end()),
                                     std::vector<double>(state.b0.begin(), state.b0.end()),
                                     {scales.activations, scales.gradients});
  try {
    layer.set_state({state.delta.begin(), state.delta.end() - 1}, state.delta.back());
  } catch (const std::invalid_argument& e) {
    fail(e.what());
  }
  double worst = 0.0;
  for (std::size_t t = 0; t <= layout.shifts(); ++t) {
    const bool bias = t == layout.shifts();
    const Slots want = bias ? expected_bias(layout, expected.bias)
                            : crypto.codec().pack_diagonal(expected.weight, t);
    const double d = deviation(crypto.decrypt(state.delta[t]), want);
    if (!(d <= tolerance)) {
      fail((bias ? std::string("Enc(delta)") : "Enc(Delta) diagonal " + std::to_string(t)) +
           " differs from this client's own Delta by " + std::to_string(d) + " (tolerance " +
           std::to_string(tolerance) + ")");
    }
    worst = std::max(worst, d);
  }
  return worst;
}

nn::ServerHead released_head(const nn::ServerHead& initial, const OwnDelta& delta) {
  nn::FloatTensor w = initial.weight();
  nn::FloatTensor b = initial.bias();
  if (delta.weight.size() != w.data.size() || delta.bias.size() != b.data.size()) {
    throw std::invalid_argument("released_head: Delta's sizes differ from W0's");
  }
  for (std::size_t i = 0; i < w.data.size(); ++i) {
    w.data[i] = static_cast<float>(static_cast<double>(w.data[i]) + delta.weight[i]);
  }
  for (std::size_t i = 0; i < b.data.size(); ++i) {
    b.data[i] = static_cast<float>(static_cast<double>(b.data[i]) + delta.bias[i]);
  }
  return nn::ServerHead::from_parameters(w, b, 0.01);
}

}  // namespace hesplit::split
