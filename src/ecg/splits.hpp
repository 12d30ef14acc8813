#pragma once
// Train/test splits of a pool of extracted beats (DATA.md, "Splits"). Each returns indices into
// the pool. Seeded draws use SeededRng: the same pool and seed give the same split everywhere.
#include <cstdint>
#include <vector>

#include "prepare.hpp"

namespace hesplit::ecg {

struct SplitIndices {
  std::vector<std::size_t> train;
  std::vector<std::size_t> test;
};

// Beats drawn per class for `paper` (and the caps of `beats`): 6000/6000/6000/2490/6000 for
// nlrav as the paper; 6000 per class for aami.
std::vector<std::size_t> paper_class_draws(ClassScheme scheme);

// paper: per class, draws[c] beats uniformly WITH replacement (classes in label order, draws in
// order), the first half of each class's draws to train, the second half to test; then each side
// is shuffled. The same beat can land on both sides (about 28% of test beats for nlrav).
SplitIndices paper_split(const std::vector<std::int64_t>& labels, ClassScheme scheme,
                         std::uint64_t seed);

// beats: per class, min(draws[c], count rounded down to even) distinct beats WITHOUT replacement
// (a seeded shuffle of the class's beats), half to train, half to test; each side shuffled. No
// beat is on both sides.
SplitIndices beats_split(const std::vector<std::int64_t>& labels, ClassScheme scheme,
                         std::uint64_t seed);

// patients: de Chazal's DS1 records to train, DS2 records to test, in pool order (no draw).
SplitIndices patients_split(const std::vector<std::int32_t>& records);

// all: every beat to train in pool order, nothing to test.
SplitIndices all_split(std::size_t count);

}  // namespace hesplit::ecg
