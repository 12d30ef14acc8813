#include "split/metrics.hpp"

#include <stdexcept>
#include <string>

namespace hesplit::split {

std::vector<std::int64_t> predictions(const nn::FloatTensor& logits) {
  if (logits.shape.size() != 2 || logits.shape[1] <= 0) {
    throw std::invalid_argument("logits must be a [n, classes] tensor");
  }
  const auto rows = static_cast<std::size_t>(logits.shape[0]);
  const auto classes = static_cast<std::size_t>(logits.shape[1]);
  if (logits.data.size() != rows * classes) throw std::invalid_argument("logits: size mismatch");
  std::vector<std::int64_t> out(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    const float* row = logits.data.data() + r * classes;
    std::size_t best = 0;
    for (std::size_t c = 1; c < classes; ++c) {
      if (row[c] > row[best]) best = c;
    }
    out[r] = static_cast<std::int64_t>(best);
  }
  return out;
}

ConfusionMatrix::ConfusionMatrix(std::size_t classes)
    : counts_(classes, std::vector<std::int64_t>(classes, 0)) {}

void ConfusionMatrix::add(std::span<const std::int64_t> labels,
                          std::span<const std::int64_t> predicted) {
  if (labels.size() != predicted.size()) throw std::invalid_argument("confusion: size mismatch");
  const auto classes = static_cast<std::int64_t>(counts_.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= classes || predicted[i] < 0 || predicted[i] >= classes) {
      throw std::invalid_argument("confusion: class index out of range at " + std::to_string(i));
    }
    ++counts_[static_cast<std::size_t>(labels[i])][static_cast<std::size_t>(predicted[i])];
    correct_ += labels[i] == predicted[i] ? 1 : 0;
  }
  total_ += labels.size();
}

double ConfusionMatrix::accuracy() const {
  return total_ == 0 ? 0.0 : static_cast<double>(correct_) / static_cast<double>(total_);
}

}  // namespace hesplit::split
