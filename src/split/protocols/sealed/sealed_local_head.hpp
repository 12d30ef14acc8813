#pragma once
// Evaluation of a sealed run without releasing its layer: the client's key and the server's
// encrypted layer file in one process, the logits computed by the server's own encrypted forward
// pass (packing::EncryptedSplitLayer, keys exported and re-imported as the server gets them) on
// seeded encryptions of A, and decrypted by the client. Inference only.
#include <memory>

#include "packing/encrypted_layer.hpp"
#include "split/head_session.hpp"
#include "split/protocols/he/he_client_crypto.hpp"
#include "split/protocols/sealed/sealed_layer_file.hpp"

namespace hesplit::split {

class SealedLocalHead final : public HeadSession {
 public:
  SealedLocalHead(std::shared_ptr<const HeClientCrypto> crypto, const SealedLayerState& state);
  ~SealedLocalHead() override;

  nn::FloatTensor infer(const nn::FloatTensor& activations) override;
  // Training is not possible here (evaluation only): these throw std::logic_error.
  nn::FloatTensor forward(const BatchId& id, const nn::FloatTensor& activations) override;
  nn::FloatTensor backward(const BatchId& id, const nn::FloatTensor& logit_grads) override;
  void finish(const std::map<std::string, std::string>& /*final_metrics*/) override {}
  Traffic traffic() const override { return {}; }

 private:
  struct Server;
  std::shared_ptr<const HeClientCrypto> crypto_;
  std::unique_ptr<Server> server_;
};

}  // namespace hesplit::split
