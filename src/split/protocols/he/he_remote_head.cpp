#include "split/protocols/he/he_remote_head.hpp"

#include <charconv>
#include <stdexcept>
#include <string>

namespace hesplit::split {

namespace {

void check_reply(const Message& reply, std::uint32_t epoch, std::uint64_t batch) {
  if (reply.epoch != epoch || reply.batch != batch) {
    throw TransportError("protocol error: sent epoch " + std::to_string(epoch) + " batch " +
                         std::to_string(batch) + ", received " + describe(reply));
  }
}

}  // namespace

HeRemoteHead::HeRemoteHead(Transport& transport, const HeadParams& params, std::string protocol,
                           const HeSessionOptions& options,
                           std::shared_ptr<const HeClientCrypto> crypto)
    : transport_(transport),
      params_(params),
      protocol_(std::move(protocol)),
      options_(options),
      crypto_(std::move(crypto)),
      reply_scales_(packing::EncryptedSplitLayer::state_scales(
          crypto_->context(),
          {he_scales(crypto_->context()).activations, he_scales(crypto_->context()).gradients})) {
  if (protocol_ != kPaperProtocol && protocol_ != kSealedProtocol) {
    throw std::invalid_argument("HE protocol must be paper or sealed, not " + protocol_);
  }
  if (options_.server_layer != "encrypted" && options_.server_layer != "frozen") {
    throw std::invalid_argument("--server-layer must be encrypted or frozen");
  }
  const bool sealed = protocol_ == kSealedProtocol;
  if (!sealed && (options_.flood || options_.server_layer != "encrypted")) {
    throw std::invalid_argument("--flood and --server-layer apply to --mode sealed only");
  }
  const std::size_t features = static_cast<std::size_t>(params.features);
  const std::size_t classes = static_cast<std::size_t>(params.classes);
  if (sealed) {
    delta_.assign(features * classes, 0.0);
    delta_bias_.assign(classes, 0.0);
  }
  // The server needs the public key only to re-randomise flooded replies (paper multiplies Enc(A)
  // by its clear G: no encryption on the server).
  const bool public_key = sealed && options_.flood;
  const std::vector<int> steps =
      sealed ? sealed_galois_steps(crypto_->layout()) : paper_galois_steps(crypto_->layout());
  const ckks::Bytes context = crypto_->public_context(steps, public_key);
  Message hello;
  hello.kind = MessageKind::kHello;
  hello.fields = {{"protocol", protocol_},
                  {"wire_version", kWireVersion},
                  {"seed", std::to_string(params.seed)},
                  {"server_lr", he_number_text(params.server_lr)},
                  {"features", std::to_string(params.features)},
                  {"classes", std::to_string(params.classes)},
                  {"batch_size", std::to_string(params.batch_size)},
                  {"ckks_preset", options_.preset},
                  {"flood", options_.flood ? "1" : "0"},
                  {"server_layer", options_.server_layer}};
  add_checkpoint_request(hello.fields, params.checkpoints);
  // With checkpoints, the key's one-way id: a resumed server checks it against its checkpoint.
  if (!params.checkpoints.run_id.empty()) hello.fields[kKeyIdField] = crypto_->key_id();
  hello.blobs.push_back({kPublicContextBlob, std::string(context.begin(), context.end())});
  const std::uint64_t before = transport_.traffic().bytes_sent;
  transport_.send(hello);
  hello_bytes_ = transport_.traffic().bytes_sent - before;
  const Message ack = expect(transport_, MessageKind::kHelloAck);
  if (ack.field("protocol") != protocol_) {
    throw TransportError("server answered Hello for protocol \"" + ack.field("protocol") + "\"");
  }
  resumed_from_ = resumed_position(ack, params.checkpoints);
}

void HeRemoteHead::restore_pending_refresh(nn::FloatTensor refresh) {
  if (protocol_ != kPaperProtocol ||
      refresh.shape != std::vector<std::int64_t>{params_.classes, params_.features}) {
    throw std::invalid_argument("a pending refresh is a paper client's [classes, features] W' + M");
  }
  pending_refresh_ = std::move(refresh);
}

void HeRemoteHead::restore_own_delta(std::vector<double> delta, std::vector<double> bias) {
  if (delta_.empty() || delta.size() != delta_.size() || bias.size() != delta_bias_.size()) {
    throw std::invalid_argument(
        "the client's own Delta is a sealed client's [classes, features] and [classes]");
  }
  delta_ = std::move(delta);
  delta_bias_ = std::move(bias);
}

std::vector<Blob> HeRemoteHead::encrypt_rows(const nn::FloatTensor& values, bool gradients) const {
  const std::size_t rows = static_cast<std::size_t>(values.dim(0));
  const std::size_t width = static_cast<std::size_t>(values.dim(1));
  const std::size_t per = crypto_->layout().samples_per_ciphertext();
  const HeScales scales = he_scales(crypto_->context());
  std::vector<ckks::Bytes> out;
  for (std::size_t first = 0; first < rows; first += per) {
    const std::size_t count = std::min(per, rows - first);
    const std::vector<double> chunk(values.data.begin() + first * width,
                                    values.data.begin() + (first + count) * width);
    out.push_back(gradients
                      ? crypto_->encrypt_seeded(
                            crypto_->codec().pack_gradients(chunk, count, params_.server_lr),
                            scales.gradients)
                      : crypto_->encrypt_seeded(crypto_->codec().pack_activations(chunk, count),
                                                scales.activations));
  }
  return to_blobs(out);
}

void HeRemoteHead::count_key_switches(const Message& reply, std::uint32_t epoch) {
  EpochKeySwitches& ks = key_switches_[epoch];
  ks.rotations += unsigned_field(reply, "rotations");
  ks.relinearizations += unsigned_field(reply, "relinearizations");
}

void HeRemoteHead::attach_refresh(Message& message) {
  if (!pending_refresh_) return;
  message.tensors.push_back(std::move(*pending_refresh_));
  pending_refresh_.reset();
}

nn::FloatTensor HeRemoteHead::encrypted_logits(Message request, MessageKind reply_kind,
                                               std::int64_t rows) {
  const std::uint32_t epoch = request.epoch;
  const std::uint64_t batch = request.batch;
  const std::size_t n =
      ciphertexts_for(static_cast<std::size_t>(rows), crypto_->layout().samples_per_ciphertext());
  transport_.send(request);
  const Message reply = expect(transport_, reply_kind);
  check_reply(reply, epoch, batch);
  if (reply_kind == MessageKind::kLogits) count_key_switches(reply, epoch);
  const std::vector<ckks::Ciphertext> z =
      receive_ciphertexts(crypto_->context(), reply, n, 0, reply_scales_.logits);
  const std::size_t classes = static_cast<std::size_t>(params_.classes);
  nn::FloatTensor logits{{rows, params_.classes}, {}};
  logits.data.reserve(static_cast<std::size_t>(rows) * classes);
  const std::size_t per = crypto_->layout().samples_per_ciphertext();
  for (std::size_t c = 0; c < n; ++c) {
    const std::size_t count = std::min(per, static_cast<std::size_t>(rows) - c * per);
    for (const double v : crypto_->codec().unpack_logits(crypto_->decrypt(z[c]), count)) {
      logits.data.push_back(static_cast<float>(v));
    }
  }
  return logits;
}

void HeRemoteHead::add_delta_logits(const nn::FloatTensor& a, nn::FloatTensor& z) const {
  const std::size_t rows = static_cast<std::size_t>(a.dim(0));
  const std::size_t d = static_cast<std::size_t>(params_.features);
  const std::size_t c = static_cast<std::size_t>(params_.classes);
  for (std::size_t k = 0; k < rows; ++k) {
    for (std::size_t i = 0; i < c; ++i) {
      double s = delta_bias_[i];
      for (std::size_t j = 0; j < d; ++j) s += delta_[i * d + j] * a.data[k * d + j];
      z.data[k * c + i] += static_cast<float>(s);
    }
  }
}

void HeRemoteHead::add_delta_input_gradients(const nn::FloatTensor& g,
                                             nn::FloatTensor& grads) const {
  const std::size_t rows = static_cast<std::size_t>(g.dim(0));
  const std::size_t d = static_cast<std::size_t>(params_.features);
  const std::size_t c = static_cast<std::size_t>(params_.classes);
  for (std::size_t k = 0; k < rows; ++k) {
    for (std::size_t j = 0; j < d; ++j) {
      double s = 0.0;
      for (std::size_t i = 0; i < c; ++i) s += g.data[k * c + i] * delta_[i * d + j];
      grads.data[k * d + j] += static_cast<float>(s);
    }
  }
}

void HeRemoteHead::update_own_delta(const nn::FloatTensor& g) {
  // The server's step on Enc(Delta), in the clear: this client knows A and G of the batch.
  const std::size_t rows = static_cast<std::size_t>(g.dim(0));
  const std::size_t d = static_cast<std::size_t>(params_.features);
  const std::size_t c = static_cast<std::size_t>(params_.classes);
  const double eta = params_.server_lr;
  for (std::size_t k = 0; k < rows; ++k) {
    for (std::size_t i = 0; i < c; ++i) {
      const double step = eta * g.data[k * c + i];
      delta_bias_[i] -= step;
      for (std::size_t j = 0; j < d; ++j)
        delta_[i * d + j] -= step * last_activations_.data[k * d + j];
    }
  }
}

nn::FloatTensor HeRemoteHead::forward(const BatchId& id, const nn::FloatTensor& activations) {
  Message request{MessageKind::kActivations,
                  id.epoch,
                  id.batch,
                  {{"rows", std::to_string(activations.dim(0))}},
                  {},
                  encrypt_rows(activations, false)};
  attach_refresh(request);
  nn::FloatTensor z =
      encrypted_logits(std::move(request), MessageKind::kLogits, activations.dim(0));
  if (frozen()) add_delta_logits(activations, z);
  if (!delta_.empty()) last_activations_ = activations;
  return z;
}

nn::FloatTensor HeRemoteHead::infer(const nn::FloatTensor& activations) {
  Message request{
      MessageKind::kEvalActivations,   0, 0, {{"rows", std::to_string(activations.dim(0))}}, {},
      encrypt_rows(activations, false)};
  attach_refresh(request);
  nn::FloatTensor z =
      encrypted_logits(std::move(request), MessageKind::kEvalLogits, activations.dim(0));
  if (frozen()) add_delta_logits(activations, z);
  return z;
}

nn::FloatTensor HeRemoteHead::backward(const BatchId& id, const nn::FloatTensor& logit_grads) {
  const std::int64_t rows = logit_grads.dim(0);
  const std::size_t d = static_cast<std::size_t>(params_.features);
  Message request{MessageKind::kLogitGrads,         id.epoch, id.batch,
                  {{"rows", std::to_string(rows)}}, {},       {}};
  const bool sealed = protocol_ == kSealedProtocol;
  if (sealed) {
    request.blobs = encrypt_rows(logit_grads, true);
  } else {
    request.tensors.push_back(logit_grads);  // paper: G in the clear (the artifact's flow)
  }
  transport_.send(request);
  const Message reply = expect(transport_, MessageKind::kInputGrads);
  check_reply(reply, id.epoch, id.batch);
  count_key_switches(reply, id.epoch);
  nn::FloatTensor grads{{rows, params_.features}, {}};
  if (sealed) {
    const std::size_t per = crypto_->layout().samples_per_ciphertext();
    const std::size_t n = ciphertexts_for(static_cast<std::size_t>(rows), per);
    const std::vector<ckks::Ciphertext> da =
        receive_ciphertexts(crypto_->context(), reply, n, 0, reply_scales_.input_gradients);
    grads.data.reserve(static_cast<std::size_t>(rows) * d);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t count = std::min(per, static_cast<std::size_t>(rows) - i * per);
      for (const double v : crypto_->codec().unpack_input_gradients(crypto_->decrypt(da[i]), count,
                                                                    params_.server_lr)) {
        grads.data.push_back(static_cast<float>(v));
      }
    }
  } else {
    if (reply.tensors.size() != 1 ||
        reply.tensors[0].shape != std::vector<std::int64_t>{rows, params_.features}) {
      throw TransportError("protocol error: " + describe(reply) + " lacks dL/dA of shape [" +
                           std::to_string(rows) + ", " + std::to_string(d) + "]");
    }
    grads = reply.tensors[0];
    // The masked refresh: decrypt Enc(W' + M) and return it in the clear with the next message.
    const std::vector<ckks::Ciphertext> refresh = receive_ciphertexts(
        crypto_->context(), reply, crypto_->layout().shifts(), 0, reply_scales_.delta);
    std::vector<packing::SlotVector> diagonals;
    for (const ckks::Ciphertext& cipher : refresh) diagonals.push_back(crypto_->decrypt(cipher));
    const std::vector<double> w = crypto_->codec().unpack_layer(diagonals);
    nn::FloatTensor masked{{params_.classes, params_.features}, {}};
    masked.data.assign(w.begin(), w.end());
    pending_refresh_ = std::move(masked);
  }
  if (frozen()) add_delta_input_gradients(logit_grads, grads);
  if (!delta_.empty()) update_own_delta(logit_grads);
  return grads;
}

void HeRemoteHead::finish(const std::map<std::string, std::string>& final_metrics) {
  // Only the epoch count goes to the server. The test accuracy is computed from logits the client
  // decrypted out of server-supplied ciphertexts: a server that answered the evaluation with
  // crafted logits (say, "class c" for every beat) would learn the share of class c in the
  // client's test set from it. The HE modes return nothing derived from a decryption.
  std::map<std::string, std::string> fields;
  if (const auto epochs = final_metrics.find("epochs"); epochs != final_metrics.end()) {
    fields.insert(*epochs);
  }
  Message goodbye{MessageKind::kGoodbye, 0, 0, fields, {}, {}};
  attach_refresh(goodbye);
  transport_.send(goodbye);
  expect(transport_, MessageKind::kGoodbyeAck);
}

}  // namespace hesplit::split
