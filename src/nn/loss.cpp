#include "nn/loss.hpp"

#include <stdexcept>

#include "nn/torch_convert.hpp"

namespace hesplit::nn {

LossResult cross_entropy(const FloatTensor& logits, std::span<const std::int64_t> labels) {
  if (logits.shape.size() != 2 || static_cast<std::size_t>(logits.shape[0]) != labels.size()) {
    throw std::invalid_argument(
        "cross_entropy: logits must be [batch, classes] with one label each");
  }
  const torch::Tensor z = detail::to_torch(logits).requires_grad_(true);
  const torch::Tensor y =
      torch::from_blob(const_cast<std::int64_t*>(labels.data()),
                       {static_cast<std::int64_t>(labels.size())}, torch::kInt64)
          .clone();
  if (y.min().item<std::int64_t>() < 0 || y.max().item<std::int64_t>() >= z.size(1)) {
    throw std::invalid_argument("cross_entropy: a label is outside 0.." +
                                std::to_string(z.size(1) - 1));
  }
  const torch::Tensor loss = torch::nn::functional::cross_entropy(z, y);
  loss.backward();
  LossResult result;
  result.loss = loss.item<double>();
  result.logit_grads = detail::from_torch(z.grad());
  result.correct = z.detach().argmax(1).eq(y).sum().item<std::int64_t>();
  return result;
}

}  // namespace hesplit::nn
