#include "split/protocols/sealed/sealed_local_head.hpp"

#include <stdexcept>

#include "ckks/seeded.hpp"
#include "ckks/serial_public_context.hpp"
#include "split/protocols/he/he_protocol.hpp"

namespace hesplit::split {

// What the server side holds: keys loaded from the public context, the layer with its state.
struct SealedLocalHead::Server {
  ckks::RelinKeys relin;
  ckks::GaloisKeys galois;
  packing::EncryptedSplitLayer layer;
};

namespace {

std::vector<double> doubles(const std::vector<float>& v) { return {v.begin(), v.end()}; }

}  // namespace

SealedLocalHead::SealedLocalHead(std::shared_ptr<const HeClientCrypto> crypto,
                                 const SealedLayerState& state)
    : crypto_(std::move(crypto)) {
  const ckks::Bytes exported =
      crypto_->public_context(sealed_galois_steps(crypto_->layout()), false);
  const ckks::PublicContext pc = ckks::load_public_context(exported);
  if (state.delta.size() != crypto_->layout().shifts() + 1) {
    throw std::invalid_argument("sealed layer: expected " +
                                std::to_string(crypto_->layout().shifts() + 1) +
                                " ciphertexts, got " + std::to_string(state.delta.size()));
  }
  server_ = std::unique_ptr<Server>(new Server{
      ckks::expand_relin_keys(*pc.context, *pc.relin_keys),
      ckks::expand_galois_keys(*pc.context, *pc.galois_keys),
      packing::EncryptedSplitLayer(crypto_->context_ptr(), crypto_->layout(), doubles(state.w0),
                                   doubles(state.b0), {kActivationScale, kGradientScale})});
  std::vector<ckks::Ciphertext> diagonals(state.delta.begin(), state.delta.end() - 1);
  server_->layer.set_state(std::move(diagonals), state.delta.back());
}

SealedLocalHead::~SealedLocalHead() = default;

nn::FloatTensor SealedLocalHead::infer(const nn::FloatTensor& activations) {
  const std::size_t rows = static_cast<std::size_t>(activations.dim(0));
  const std::size_t d = static_cast<std::size_t>(activations.dim(1));
  const std::size_t per = crypto_->layout().samples_per_ciphertext();
  const packing::SplitEvalKeys keys{server_->relin, server_->galois};
  nn::FloatTensor logits{
      {activations.dim(0), static_cast<std::int64_t>(crypto_->layout().classes())}, {}};
  for (std::size_t first = 0; first < rows; first += per) {
    const std::size_t count = std::min(per, rows - first);
    const std::vector<double> chunk(activations.data.begin() + first * d,
                                    activations.data.begin() + (first + count) * d);
    const ckks::Bytes sent =
        crypto_->encrypt_seeded(crypto_->codec().pack_activations(chunk, count), kActivationScale);
    const ckks::Ciphertext a = ckks::load_any_ciphertext(crypto_->context(), sent);
    packing::KeySwitchCount ignored;
    const ckks::Ciphertext z =
        server_->layer.forward(server_->layer.shift(a, keys, ignored), keys, ignored);
    for (const double v : crypto_->codec().unpack_logits(crypto_->decrypt(z), count)) {
      logits.data.push_back(static_cast<float>(v));
    }
  }
  return logits;
}

nn::FloatTensor SealedLocalHead::forward(const BatchId&, const nn::FloatTensor&) {
  throw std::logic_error("sealed evaluation head: training is not possible here");
}
nn::FloatTensor SealedLocalHead::backward(const BatchId&, const nn::FloatTensor&) {
  throw std::logic_error("sealed evaluation head: training is not possible here");
}

}  // namespace hesplit::split
