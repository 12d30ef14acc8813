#include "split/local_head.hpp"

namespace hesplit::split {

LocalHead::LocalHead(nn::ServerHead head, std::optional<std::filesystem::path> checkpoint)
    : head_(std::move(head)), checkpoint_(std::move(checkpoint)) {}

nn::FloatTensor LocalHead::forward(const BatchId& /*id*/, const nn::FloatTensor& activations) {
  return head_.forward(activations);
}

nn::FloatTensor LocalHead::backward(const BatchId& /*id*/, const nn::FloatTensor& logit_grads) {
  nn::FloatTensor grads = head_.backward(logit_grads);
  head_.step();
  return grads;
}

nn::FloatTensor LocalHead::infer(const nn::FloatTensor& activations) {
  return head_.infer(activations);
}

void LocalHead::finish(const std::map<std::string, std::string>& /*final_metrics*/) {
  if (checkpoint_) head_.save(*checkpoint_);
}

}  // namespace hesplit::split
