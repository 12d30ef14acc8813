#pragma once
// Predictions from logits and the accuracy / confusion matrix over a labelled set.
#include <cstdint>
#include <span>
#include <vector>

#include "nn/float_tensor.hpp"

namespace hesplit::split {

// Argmax of each row of a [n, classes] logit tensor (first maximum on ties, as torch.argmax).
std::vector<std::int64_t> predictions(const nn::FloatTensor& logits);

class ConfusionMatrix {
 public:
  explicit ConfusionMatrix(std::size_t classes);
  void add(std::span<const std::int64_t> labels, std::span<const std::int64_t> predicted);
  double accuracy() const;  // 0 when empty
  std::size_t total() const { return total_; }
  const std::vector<std::vector<std::int64_t>>& counts() const { return counts_; }

 private:
  std::vector<std::vector<std::int64_t>> counts_;
  std::size_t total_ = 0;
  std::size_t correct_ = 0;
};

}  // namespace hesplit::split
