#pragma once
// Cross-entropy on the logits (softmax inside the loss, not before it) and its gradient with
// respect to the logits, as the client computes it in every protocol.
#include <cstdint>
#include <span>

#include "nn/float_tensor.hpp"

namespace hesplit::nn {

struct LossResult {
  double loss = 0.0;         // mean over the batch
  FloatTensor logit_grads;   // dL/dZ, batch x classes
  std::int64_t correct = 0;  // argmax(Z) == label
};

LossResult cross_entropy(const FloatTensor& logits, std::span<const std::int64_t> labels);

}  // namespace hesplit::nn
