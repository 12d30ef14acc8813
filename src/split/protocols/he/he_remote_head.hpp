#pragma once
// The client side of the HE protocols (PROTOCOL.md). Both send Enc(A) and receive Enc(Z) in the
// forward; they differ in the backward:
//   sealed: Enc(eta G) up, Enc(eta dL/dA) down; the server keeps W0 + Enc(Delta) (or, with the
//           `frozen` server layer, only W0: this client then adds its own Delta terms). Either
//           way this client keeps Delta in the clear too (it knows A and G of every batch): the
//           end of a run publishes W0 + this Delta, never a decryption of the server's layer;
//   paper:  G up in the clear, dL/dA down in the clear together with Enc(W' + M) (the masked
//           refresh); the client decrypts it and returns W' + M in the clear with its next message.
// Fresh ciphertexts travel seeded; the secret key stays in HeClientCrypto.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "packing/encrypted_layer.hpp"
#include "packing/key_switch_count.hpp"
#include "split/protocols/he/he_client_crypto.hpp"
#include "split/protocols/he/he_protocol.hpp"
#include "split/protocols/plain/plain_client.hpp"

namespace hesplit::split {

// Key switches the server reported for the training batches of one epoch.
struct EpochKeySwitches {
  std::uint64_t rotations = 0;
  std::uint64_t relinearizations = 0;
};

class HeRemoteHead final : public HeadSession {
 public:
  // protocol: kPaperProtocol or kSealedProtocol. Sends Hello (parameters + public keys) and waits
  // for the server's acknowledgement.
  HeRemoteHead(Transport& transport, const HeadParams& params, std::string protocol,
               const HeSessionOptions& options, std::shared_ptr<const HeClientCrypto> crypto);

  nn::FloatTensor forward(const BatchId& id, const nn::FloatTensor& activations) override;
  nn::FloatTensor backward(const BatchId& id, const nn::FloatTensor& logit_grads) override;
  nn::FloatTensor infer(const nn::FloatTensor& activations) override;
  void finish(const std::map<std::string, std::string>& final_metrics) override;
  Traffic traffic() const override { return transport_.traffic(); }

  // Per epoch (1-based key), what the server reported.
  const std::map<std::uint32_t, EpochKeySwitches>& key_switches() const noexcept {
    return key_switches_;
  }
  const HeClientCrypto& crypto() const noexcept { return *crypto_; }
  // Bytes of the Hello (parameters + evaluation keys), counted in traffic() too.
  std::uint64_t hello_bytes() const noexcept { return hello_bytes_; }

  // Checkpoints (issue 9). Where the session resumes (the server's choice among
  // params.checkpoints.resume), if it does.
  const std::optional<CheckpointPosition>& resumed_from() const { return resumed_from_; }
  // The state a client checkpoint keeps besides the front: the key switches reported so far and,
  // in paper, the W' + M that rides on the next message.
  void restore_key_switches(std::map<std::uint32_t, EpochKeySwitches> counts) {
    key_switches_ = std::move(counts);
  }
  const std::optional<nn::FloatTensor>& pending_refresh() const noexcept {
    return pending_refresh_;
  }
  void restore_pending_refresh(nn::FloatTensor refresh);
  // sealed: the client's own Delta (classes x features) and delta, Delta -= eta G^T A and
  // delta -= eta sum_k g_k after every batch (empty in paper).
  const std::vector<double>& own_delta() const noexcept { return delta_; }
  const std::vector<double>& own_delta_bias() const noexcept { return delta_bias_; }
  void restore_own_delta(std::vector<double> delta, std::vector<double> bias);

 private:
  nn::FloatTensor encrypted_logits(Message request, MessageKind reply_kind, std::int64_t rows);
  std::vector<Blob> encrypt_rows(const nn::FloatTensor& values, bool gradients) const;
  void count_key_switches(const Message& reply, std::uint32_t epoch);
  // paper: the pending W' + M (and nothing in sealed) rides on the next message.
  void attach_refresh(Message& message);
  // frozen sealed: the client's own Delta terms.
  void add_delta_logits(const nn::FloatTensor& a, nn::FloatTensor& z) const;
  void add_delta_input_gradients(const nn::FloatTensor& g, nn::FloatTensor& grads) const;
  // sealed: the client's copy of the server's SGD step.
  void update_own_delta(const nn::FloatTensor& g);
  bool frozen() const noexcept { return options_.server_layer == "frozen"; }

  Transport& transport_;
  HeadParams params_;
  std::string protocol_;
  HeSessionOptions options_;
  std::shared_ptr<const HeClientCrypto> crypto_;
  std::map<std::uint32_t, EpochKeySwitches> key_switches_;
  std::uint64_t hello_bytes_ = 0;
  std::optional<CheckpointPosition> resumed_from_;
  std::optional<nn::FloatTensor> pending_refresh_;  // paper
  packing::EncryptedSplitLayer::StateScales reply_scales_;
  nn::FloatTensor last_activations_;  // sealed
  std::vector<double> delta_;         // sealed: classes x features
  std::vector<double> delta_bias_;    // sealed: classes
};

}  // namespace hesplit::split
