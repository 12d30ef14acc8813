#include "split/protocols/paper/paper_server.hpp"

#include "ckks/prng.hpp"
#include "packing/client_codec.hpp"
#include "split/protocols/he/he_server_base.hpp"
#include "split/vector_file.hpp"

namespace hesplit::split {

namespace {

using namespace he;

class PaperServer final : public HeServerBase {
 public:
  PaperServer(Transport& transport, const Message& hello, const ServerOptions& options)
      : HeServerBase(transport, hello, options, kPaperProtocol, false, kPaperPresets),
        scales_(he_scales(context())),
        codec_(layout_),
        w_(to_doubles(initial_.weight())),
        b_(to_doubles(initial_.bias())) {}

 private:
  std::size_t d() const { return static_cast<std::size_t>(features_); }
  std::size_t c() const { return static_cast<std::size_t>(classes_); }

  // Step 5, second half: the client returned W' + M in the clear; W' = (W' + M) - M.
  void apply_refresh(const Message& message) {
    if (mask_.empty()) {
      if (!message.tensors.empty()) {
        throw TransportError("protocol error: " + describe(message) + " carries a tensor");
      }
      return;
    }
    if (message.tensors.size() != 1 ||
        message.tensors[0].shape != std::vector<std::int64_t>{classes_, features_}) {
      throw TransportError("protocol error: " + describe(message) +
                           " lacks the refreshed W' + M [" + std::to_string(classes_) + ", " +
                           std::to_string(features_) + "]");
    }
    if (options_.adversary == "decryption-oracle") {
      mask_.clear();  // what came back is the client's A, not W' + M: keep W
      return;
    }
    const std::vector<float>& masked = message.tensors[0].data;
    // --record-server-view: W' - W, which the server knows exactly (docs/privacy.md).
    nn::FloatTensor step{{classes_, features_}, std::vector<float>(w_.size())};
    for (std::size_t i = 0; i < w_.size(); ++i) {
      const double before = w_[i];
      w_[i] = static_cast<double>(masked[i]) - mask_[i];
      step.data[i] = static_cast<float>(w_[i] - before);
    }
    if (options_.recorder != nullptr) {
      options_.recorder->computed("weight_step", message.epoch, message.batch, std::move(step));
    }
    mask_.clear();
    layer_.reset();
  }

  const packing::EncryptedSplitLayer& layer() {
    // W0 = the current W, Delta = 0: Enc(Z) = Enc(A) W^T + b.
    if (!layer_)
      layer_.emplace(keys_.context, layout_, w_, b_,
                     packing::EncryptedSplitLayer::Scales{scales_.activations, scales_.gradients});
    return *layer_;
  }

  void on_activations(const Message& message) override {
    apply_refresh(message);
    const std::vector<ckks::Ciphertext> a = receive_ciphertexts(
        context(), message, ciphertext_count(message), context().max_level(), scales_.activations);
    packing::KeySwitchCount count;
    const std::vector<ckks::Ciphertext> z = logits(layer(), a, shifted_, count);
    if (options_.adversary == "decryption-oracle") oracle_a_ = a;
    send_logits(message, z, count);
  }

  void on_logit_grads(const Message& message) override {
    check_pending(message);
    const std::size_t rows = pending_rows_;
    if (message.tensors.size() != 1 ||
        message.tensors[0].shape !=
            std::vector<std::int64_t>{static_cast<std::int64_t>(rows), classes_}) {
      throw TransportError("protocol error: " + describe(message) + " lacks G of shape [" +
                           std::to_string(rows) + ", " + std::to_string(classes_) + "]");
    }
    const std::vector<float>& g = message.tensors[0].data;
    // Step 3: dL/dA = G W and dL/db in the clear.
    nn::FloatTensor da{{static_cast<std::int64_t>(rows), features_}, {}};
    da.data.resize(rows * d());
    for (std::size_t k = 0; k < rows; ++k) {
      for (std::size_t j = 0; j < d(); ++j) {
        double s = 0.0;
        for (std::size_t i = 0; i < c(); ++i) s += g[k * c() + i] * w_[i * d() + j];
        da.data[k * d() + j] = static_cast<float>(s);
      }
    }
    for (std::size_t k = 0; k < rows; ++k) {
      for (std::size_t i = 0; i < c(); ++i) b_[i] -= eta_ * g[k * c() + i];
    }
    // Enc(-eta dL/dW) = -eta G^T Enc(A): the layer's update (Delta starts at zero in this batch's
    // layer). G is in the clear here, so this is a plaintext x ciphertext product, as in the
    // artifact: eta G enters as the trivial encryption (m, 0), which carries no encryption noise
    // (a public-key encryption at the paper presets' 2^21 would add noise of the order of eta G).
    const std::size_t per = layout_.samples_per_ciphertext();
    std::vector<ckks::Ciphertext> enc_g;
    for (std::size_t first = 0; first < rows; first += per) {
      const std::size_t count = std::min(per, rows - first);
      const std::vector<double> chunk(g.begin() + first * c(), g.begin() + (first + count) * c());
      ckks::Plaintext p = encoder_.encode(codec_.pack_gradients(chunk, count, eta_),
                                          scales_.gradients, context().max_level());
      const std::size_t degree = p.poly.degree();
      enc_g.push_back(ckks::Ciphertext{
          {std::move(p.poly), ckks::RnsPoly(degree, p.level + 1)}, p.level, p.scale});
    }
    packing::KeySwitchCount count;
    layer_->update(shifted_, enc_g, eval_keys(), count, &pool_);
    // Step 5: Enc(W' + M) = Enc(-eta dL/dW) + (W + M), M fresh and uniform in [-1, 1) per entry.
    ckks::Prng prng;
    mask_.resize(w_.size());
    std::vector<double> masked(w_.size());
    for (std::size_t i = 0; i < w_.size(); ++i) {
      const double unit = static_cast<double>(prng.next_u64() >> 11) * 0x1.0p-53;
      mask_[i] = 2.0 * unit - 1.0;
      masked[i] = w_[i] + mask_[i];
    }
    std::vector<ckks::Ciphertext> refresh;
    for (std::size_t t = 0; t < layout_.shifts(); ++t) {
      ckks::Ciphertext r = layer_->delta_diagonals()[t];
      evaluator_.add_plain_inplace(
          r, encoder_.encode(codec_.pack_diagonal(masked, t), r.scale, r.level));
      evaluator_.mod_switch_to_inplace(r, 0);  // the lowest level the client needs
      refresh.push_back(std::move(r));
    }
    if (options_.adversary == "decryption-oracle") refresh = oracle_refresh(message, rows);
    Message reply{MessageKind::kInputGrads,    message.epoch, message.batch, {}, {std::move(da)},
                  save_all(context(), refresh)};
    add_counts(reply, count);
    transport_.send(reply);
    pending_.reset();
  }

  void on_eval(const Message& message) override {
    apply_refresh(message);
    const std::vector<ckks::Ciphertext> a = receive_ciphertexts(
        context(), message, ciphertext_count(message), context().max_level(), scales_.activations);
    packing::KeySwitchCount ignored;
    std::vector<packing::ShiftedActivations> shifted;
    transport_.send(Message{MessageKind::kEvalLogits,
                            message.epoch,
                            message.batch,
                            {},
                            {},
                            save_all(context(), logits(layer(), a, shifted, ignored))});
  }

  void on_goodbye(const Message& message) override {
    apply_refresh(message);
    if (!options_.checkpoint_dir) return;
    nn::FloatTensor w{{classes_, features_}, std::vector<float>(w_.begin(), w_.end())};
    nn::FloatTensor b{{classes_}, std::vector<float>(b_.begin(), b_.end())};
    nn::ServerHead::from_parameters(w, b, eta_).save(*options_.checkpoint_dir / kServerCheckpoint);
  }

  // W and b in the clear, and the mask M of the refresh the client holds (its W' + M rides on the
  // client's next message, which the resumed session receives).
  void save_state(const std::filesystem::path& folder) const override {
    save_vector_file(folder / kPaperWeightFile, w_);
    save_vector_file(folder / kPaperBiasFile, b_);
    save_vector_file(folder / kPaperMaskFile, mask_);
  }

  void restore_state(const std::filesystem::path& folder,
                     const CheckpointFields& /*fields*/) override {
    w_ = load_vector_file(folder / kPaperWeightFile, c() * d());
    b_ = load_vector_file(folder / kPaperBiasFile, c());
    // A checkpoint follows a training batch, whose reply always carries a fresh refresh.
    mask_ = load_vector_file(folder / kPaperMaskFile, c() * d());
    layer_.reset();
  }

  // --adversary decryption-oracle (docs/privacy.md): four ciphertexts made from the client's own
  // Enc(A) in place of the refresh. The client unpacks diagonal t at block position p into entry
  // (row(p), p + t) of "W' + M", so a ciphertext whose block 0 holds sample k in its real part
  // comes back as the whole of a_k. Sample k sits in block (k mod per) / 2 (rotations by multiples
  // of 512, keys the packing has), imaginary part for odd k (times -i: an exact monomial).
  std::vector<ckks::Ciphertext> oracle_refresh(const Message& message, std::size_t rows) {
    const std::size_t per = layout_.samples_per_ciphertext();
    const std::size_t shifts = layout_.shifts();
    const std::size_t first = shifts * (message.batch % ((rows + shifts - 1) / shifts));
    nn::FloatTensor samples{{static_cast<std::int64_t>(shifts)}, {}};
    std::vector<ckks::Ciphertext> out;
    for (std::size_t t = 0; t < shifts; ++t) {
      const std::size_t k = std::min(first + t, rows - 1);
      samples.data.push_back(static_cast<float>(k));
      ckks::Ciphertext x = oracle_a_.at(k / per);
      const std::size_t block = (k % per) / 2;
      for (std::size_t bit = 0; (block >> bit) != 0; ++bit) {
        if (((block >> bit) & 1U) != 0) {
          x = evaluator_.rotate(x, static_cast<int>(layout_.block_size() << bit), keys_.galois);
        }
      }
      // Bring it to the refresh's own level and scale, as the client checks: times 1 (times -i
      // for odd k, the imaginary part) encoded so that one rescale lands exactly on Delta's
      // scale, so the client decodes A itself.
      const double target = layer().delta_scale();
      const double q = static_cast<double>(context().data_modulus(x.level).value());
      const std::complex<double> unit = k % 2 == 1 ? std::complex<double>{0.0, -1.0} : 1.0;
      const std::vector<std::complex<double>> units(layout_.slot_count(), unit);
      evaluator_.multiply_plain_inplace(x, encoder_.encode(units, target * q / x.scale, x.level));
      evaluator_.rescale_inplace(x);
      evaluator_.mod_switch_to_inplace(x, 0);
      x.scale = target;  // equal up to the rounding of the product above
      out.push_back(std::move(x));
    }
    if (options_.recorder != nullptr) {
      options_.recorder->computed("oracle_samples", message.epoch, message.batch, samples);
    }
    return out;
  }

  HeScales scales_;                         // encoding scales of the client's parameter set
  std::vector<ckks::Ciphertext> oracle_a_;  // the client's Enc(A) of the pending batch
  packing::SplitClientCodec codec_;         // slot arithmetic only (no key)
  std::vector<double> w_;
  std::vector<double> b_;
  std::vector<double> mask_;  // M of the pending refresh (empty: none pending)
  std::optional<packing::EncryptedSplitLayer> layer_;
};

}  // namespace

SessionReport serve_paper(Transport& transport, const Message& hello,
                          const ServerOptions& options) {
  return PaperServer(transport, hello, options).run();
}

}  // namespace hesplit::split
