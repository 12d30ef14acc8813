#include "packing/layout.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <string>

namespace hesplit::packing {

namespace {

std::size_t shifts_for(std::size_t classes) {
  // Rows 0..S-1 in the first half, row S in the second: c <= S + 1.
  return std::bit_ceil(std::max<std::size_t>(classes, 2) - 1);
}

}  // namespace

SplitLayout::SplitLayout(std::size_t slot_count, std::size_t features, std::size_t classes)
    : slots_(slot_count),
      features_(features),
      classes_(classes),
      shifts_(shifts_for(classes)),
      width_(std::bit_ceil(std::max(features, shifts_))) {
  if (!std::has_single_bit(slot_count) || slot_count < 2) {
    throw std::invalid_argument("split layout: slot count " + std::to_string(slot_count) +
                                " must be a power of two >= 2");
  }
  if (classes == 0) throw std::invalid_argument("split layout: classes must be at least 1");
  if (features == 0) throw std::invalid_argument("split layout: features must be at least 1");
  if (2 * width_ > slot_count) {
    throw std::invalid_argument(
        "split layout: " + std::to_string(features) + " features and " + std::to_string(classes) +
        " classes need blocks of 2 x " + std::to_string(width_) + " slots; the ring has " +
        std::to_string(slot_count) + " (at most " + std::to_string(max_features(slot_count)) +
        " features, and at most " + std::to_string(slot_count / 2 + 1) + " classes)");
  }
}

std::size_t SplitLayout::window_start(std::size_t row) const noexcept {
  return row < shifts_ ? row : width_;
}

int SplitLayout::row_at(std::size_t position) const noexcept {
  // First half: class r is row r. Second half: class 0 is row S, other classes are free.
  const std::size_t cls = position % shifts_;
  const std::size_t row = position < width_ ? cls : (cls == 0 ? shifts_ : classes_);
  return row < classes_ ? static_cast<int>(row) : -1;
}

std::vector<int> SplitLayout::galois_steps() const {
  std::vector<int> steps;
  for (std::size_t t = 1; t < shifts_; ++t) {
    steps.push_back(static_cast<int>(t));
    steps.push_back(-static_cast<int>(t));
  }
  for (std::size_t s = shifts_; s < shifts_ * window_length(); s <<= 1) {
    steps.push_back(static_cast<int>(s));
  }
  for (std::size_t s = block_size(); s < slots_; s <<= 1) steps.push_back(static_cast<int>(s));
  return steps;
}

SplitKeySwitches SplitLayout::key_switches() const noexcept {
  const auto log2 = [](std::size_t v) { return static_cast<std::uint64_t>(std::countr_zero(v)); };
  const std::uint64_t s = shifts_;
  // Trace over the blocks: log2(blocks) rotations + 1 conjugation.
  const std::uint64_t trace = log2(blocks()) + 1;
  SplitKeySwitches ks;
  // S - 1 hoisted shifts, 1 relinearisation, log2(w / S) rotations of the rotate-and-sum.
  ks.forward = (s - 1) + 1 + log2(window_length());
  // S relinearisations, S - 1 un-shifts.
  ks.backward = s + (s - 1);
  // Per diagonal 1 relinearisation + the trace; the bias: the trace.
  ks.update = s * (1 + trace) + trace;
  return ks;
}

}  // namespace hesplit::packing
