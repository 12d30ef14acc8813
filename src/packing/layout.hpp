#pragma once
// Slot layout of the split layer Linear(d, c) (docs/packing.md): "sample pairs, duplicated
// features", for any d and c the slots can hold.
//
// The features are padded to the width w = bit_ceil(max(d, S)), S = shifts() = bit_ceil(c - 1)
// (at least 1). Blocks of 2w slots; block b holds samples 2b (real part) and 2b+1 (imaginary
// part), position p of the block holds feature p mod w (every feature twice, so shifts by up to
// S - 1 never leave the block; features >= d are zero padding). Row i of the server layer owns a
// window of w/S positions starting at window_start(i) with stride S: rows 0..S-1 are the residue
// classes mod S of the first half, row S is class 0 of the second half, so c <= S + 1. Position p
// combined with shift t (0..S-1) reads feature (p + t) mod w. (d, c) = (256, 5) is S = 4, w = 256:
// the layout of the paper's network, unchanged.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace hesplit::packing {

// Key switches of the sealed protocol's split layer for one batch, by step (docs/packing.md,
// "Any shape": the bound is exact, the tests compare the counts the server reports with it).
struct SplitKeySwitches {
  std::uint64_t forward = 0;   // per ciphertext of samples
  std::uint64_t backward = 0;  // per ciphertext of samples
  std::uint64_t update = 0;    // per batch, whatever its size
  std::uint64_t per_batch(std::uint64_t ciphertexts) const {
    return ciphertexts * (forward + backward) + update;
  }
};

class SplitLayout {
 public:
  // slot_count = N/2 (a power of two); features d >= 1 with 2 bit_ceil(max(d, S)) <= slot_count;
  // classes c >= 1. Throws std::invalid_argument naming the offending value and the limit.
  SplitLayout(std::size_t slot_count, std::size_t features, std::size_t classes);

  // The largest d a ring of `slot_count` slots holds (features are duplicated within a block).
  static std::size_t max_features(std::size_t slot_count) noexcept { return slot_count / 2; }

  std::size_t slot_count() const noexcept { return slots_; }
  std::size_t features() const noexcept { return features_; }
  std::size_t classes() const noexcept { return classes_; }
  // Diagonals of the server layer (t = 0..S-1) and the stride of the windows.
  std::size_t shifts() const noexcept { return shifts_; }
  // Padded feature width w (a power of two >= d and >= S).
  std::size_t width() const noexcept { return width_; }
  std::size_t block_size() const noexcept { return 2 * width_; }
  std::size_t blocks() const noexcept { return slots_ / block_size(); }
  std::size_t samples_per_ciphertext() const noexcept { return 2 * blocks(); }
  // Positions per window (= RaS count).
  std::size_t window_length() const noexcept { return width_ / shifts_; }
  std::size_t window_start(std::size_t row) const noexcept;
  // Row owning block position p (0 <= p < block_size()), or -1 when p is in no window.
  int row_at(std::size_t position) const noexcept;
  // Feature read by block position p with shift t (>= features(): padding, weight 0).
  std::size_t feature_at(std::size_t position, std::size_t shift) const noexcept {
    return (position + shift) % width_;
  }

  // Rotation steps the server uses (forward shifts, backward un-shifts, RaS, trace), without
  // conjugation (which it also needs).
  std::vector<int> galois_steps() const;
  // What the sealed protocol's server spends per batch on this layout.
  SplitKeySwitches key_switches() const noexcept;

 private:
  std::size_t slots_;
  std::size_t features_;
  std::size_t classes_;
  std::size_t shifts_;
  std::size_t width_;
};

}  // namespace hesplit::packing
