#include "packing/layout.hpp"

#include <bit>
#include <stdexcept>
#include <string>

namespace hesplit::packing {

SplitLayout::SplitLayout(std::size_t slot_count, std::size_t features, std::size_t classes)
    : slots_(slot_count), features_(features), classes_(classes) {
  if (features < 16 || !std::has_single_bit(features)) {
    throw std::invalid_argument("split layout: features " + std::to_string(features) +
                                " must be a power of two >= 16");
  }
  if (!std::has_single_bit(slot_count) || slot_count < 2 * features) {
    throw std::invalid_argument("split layout: " + std::to_string(slot_count) +
                                " slots cannot hold one block of 2 x " + std::to_string(features) +
                                " features");
  }
  if (classes == 0 || classes > kMaxClasses) {
    throw std::invalid_argument("split layout: classes " + std::to_string(classes) +
                                " must be in 1.." + std::to_string(kMaxClasses));
  }
}

std::size_t SplitLayout::window_start(std::size_t row) const noexcept {
  return row < kRasStride ? row : features_;
}

int SplitLayout::row_at(std::size_t position) const noexcept {
  // First half: class r is row r. Second half: class 0 is row 4, other classes are free.
  const std::size_t cls = position % kRasStride;
  const std::size_t row = position < features_ ? cls : (cls == 0 ? kRasStride : classes_);
  return row < classes_ ? static_cast<int>(row) : -1;
}

std::vector<int> SplitLayout::galois_steps() const {
  std::vector<int> steps;
  for (std::size_t t = 1; t < kShifts; ++t) {
    steps.push_back(static_cast<int>(t));
    steps.push_back(-static_cast<int>(t));
  }
  for (std::size_t s = kRasStride; s < kRasStride * window_length(); s <<= 1) {
    steps.push_back(static_cast<int>(s));
  }
  for (std::size_t s = block_size(); s < slots_; s <<= 1) steps.push_back(static_cast<int>(s));
  return steps;
}

}  // namespace hesplit::packing
