#pragma once
// The client's view of the server half, whatever the protocol: local (a head in this process),
// plain (activations in the clear over a transport), later paper and sealed (ciphertexts). The
// training loop (trainer.hpp) is written once against this interface.
#include <cstdint>
#include <map>
#include <string>

#include "nn/float_tensor.hpp"
#include "split/transport.hpp"

namespace hesplit::split {

struct BatchId {
  std::uint32_t epoch = 0;
  std::uint64_t batch = 0;  // index within the epoch
};

class HeadSession {
 public:
  virtual ~HeadSession() = default;
  // Logits Z of the server layer for the activations A of one training batch.
  virtual nn::FloatTensor forward(const BatchId& id, const nn::FloatTensor& activations) = 0;
  // dL/dA for the logit gradients G of the same batch; the server updates its layer.
  virtual nn::FloatTensor backward(const BatchId& id, const nn::FloatTensor& logit_grads) = 0;
  // Logits for evaluation, without training.
  virtual nn::FloatTensor infer(const nn::FloatTensor& activations) = 0;
  // Ends the session with the final metrics; the server half saves its state.
  virtual void finish(const std::map<std::string, std::string>& final_metrics) = 0;
  // Bytes so far, client -> server as sent, server -> client as received. Zero when local.
  virtual Traffic traffic() const = 0;
};

}  // namespace hesplit::split
