#pragma once
// Key switches performed by the split-layer computations, counted where they are issued (the
// ckks evaluator itself keeps no statistics). Hoisted rotations count one each.

#include <cstddef>

namespace hesplit::packing {

struct KeySwitchCount {
  std::size_t relinearizations = 0;
  std::size_t rotations = 0;  // rotations and conjugations

  std::size_t total() const noexcept { return relinearizations + rotations; }
  KeySwitchCount& operator+=(const KeySwitchCount& other) noexcept {
    relinearizations += other.relinearizations;
    rotations += other.rotations;
    return *this;
  }
};

}  // namespace hesplit::packing
