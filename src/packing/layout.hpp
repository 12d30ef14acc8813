#pragma once
// Slot layout of the split layer (docs/packing.md): "sample pairs, duplicated features".
//
// Blocks of 2d slots; block b holds samples 2b (real part) and 2b+1 (imaginary part), position p
// of the block holds feature p mod d (every feature twice, so small rotations never leave the
// block). Row i of the server layer owns a window of d/4 positions starting at window_start(i)
// with stride 4: rows 0-3 are the residue classes mod 4 of the first half, row 4 is class 0 of the
// second half. Position p combined with shift t (0..3) reads feature (p + t) mod d.

#include <cstddef>
#include <vector>

namespace hesplit::packing {

class SplitLayout {
 public:
  static constexpr std::size_t kShifts = 4;     // diagonals t = 0..3
  static constexpr std::size_t kRasStride = 4;  // window stride
  static constexpr std::size_t kMaxClasses = 5;

  // slot_count = N/2; features d: a power of two >= 16 with 2d <= slot_count; classes 1..5.
  // Throws std::invalid_argument naming the offending value.
  SplitLayout(std::size_t slot_count, std::size_t features, std::size_t classes);

  std::size_t slot_count() const noexcept { return slots_; }
  std::size_t features() const noexcept { return features_; }
  std::size_t classes() const noexcept { return classes_; }
  std::size_t block_size() const noexcept { return 2 * features_; }
  std::size_t blocks() const noexcept { return slots_ / block_size(); }
  std::size_t samples_per_ciphertext() const noexcept { return 2 * blocks(); }
  // Positions per window (= RaS count).
  std::size_t window_length() const noexcept { return features_ / kRasStride; }
  std::size_t window_start(std::size_t row) const noexcept;
  // Row owning block position p (0 <= p < block_size()), or -1 when p is in no window.
  int row_at(std::size_t position) const noexcept;
  // Feature read by block position p with shift t.
  std::size_t feature_at(std::size_t position, std::size_t shift) const noexcept {
    return (position + shift) % features_;
  }

  // Rotation steps the server uses (forward shifts, backward un-shifts, RaS, trace), without
  // conjugation (which it also needs).
  std::vector<int> galois_steps() const;

 private:
  std::size_t slots_;
  std::size_t features_;
  std::size_t classes_;
};

}  // namespace hesplit::packing
