#pragma once
// A dense float32 tensor as plain data (shape + row-major values). It is how activations, logits
// and gradients cross layer boundaries (nn <-> split <-> net) without exposing LibTorch types.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace hesplit::nn {

struct FloatTensor {
  std::vector<std::int64_t> shape;
  std::vector<float> data;

  // Number of elements the shape describes; throws on negative or overflowing dimensions so that
  // a shape read from the wire cannot drive an allocation.
  static std::size_t element_count(const std::vector<std::int64_t>& shape, std::size_t limit) {
    std::size_t count = 1;
    for (const std::int64_t dim : shape) {
      if (dim < 0) throw std::invalid_argument("tensor shape has a negative dimension");
      if (dim != 0 && count > limit / static_cast<std::size_t>(dim)) {
        throw std::invalid_argument("tensor shape exceeds " + std::to_string(limit) + " elements");
      }
      count *= static_cast<std::size_t>(dim);
    }
    return count;
  }

  std::int64_t dim(std::size_t axis) const { return shape.at(axis); }
  bool operator==(const FloatTensor&) const = default;
};

}  // namespace hesplit::nn
