// The four splits of DATA.md.
#include "splits.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "class_scheme.hpp"
#include "mitdb_records.hpp"
#include "seeded_rng.hpp"

namespace hesplit::ecg {
namespace {

// Pool indices of each class, in pool order.
std::vector<std::vector<std::size_t>> by_class(const std::vector<std::int64_t>& labels,
                                               std::size_t classes) {
  std::vector<std::vector<std::size_t>> members(classes);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto label = labels[i];
    if (label < 0 || static_cast<std::size_t>(label) >= classes) {
      throw std::invalid_argument("split: label " + std::to_string(label) + " out of range");
    }
    members[static_cast<std::size_t>(label)].push_back(i);
  }
  return members;
}

void shuffle_sides(SplitIndices& split, SeededRng& rng) {
  rng.shuffle(split.train);
  rng.shuffle(split.test);
}

}  // namespace

std::vector<std::size_t> paper_class_draws(ClassScheme scheme) {
  if (scheme == ClassScheme::kAami) return {6000, 6000, 6000, 6000, 6000};
  return {6000, 6000, 6000, 2490, 6000};
}

SplitIndices paper_split(const std::vector<std::int64_t>& labels, ClassScheme scheme,
                         std::uint64_t seed) {
  const auto draws = paper_class_draws(scheme);
  const auto names = class_names(scheme);
  const auto members = by_class(labels, draws.size());
  SeededRng rng(seed);
  SplitIndices split;
  for (std::size_t c = 0; c < draws.size(); ++c) {
    if (members[c].empty()) {
      throw std::runtime_error("split paper: class " + names[c] + " has no beats to draw from");
    }
    const std::size_t half = draws[c] / 2;
    for (std::size_t k = 0; k < draws[c]; ++k) {
      const std::size_t pick = members[c][static_cast<std::size_t>(rng.below(members[c].size()))];
      (k < half ? split.train : split.test).push_back(pick);
    }
  }
  shuffle_sides(split, rng);
  return split;
}

SplitIndices beats_split(const std::vector<std::int64_t>& labels, ClassScheme scheme,
                         std::uint64_t seed) {
  const auto caps = paper_class_draws(scheme);
  auto members = by_class(labels, caps.size());
  SeededRng rng(seed);
  SplitIndices split;
  for (std::size_t c = 0; c < caps.size(); ++c) {
    rng.shuffle(members[c]);
    const std::size_t take = std::min(caps[c], members[c].size() / 2 * 2);
    for (std::size_t k = 0; k < take; ++k) {
      (k < take / 2 ? split.train : split.test).push_back(members[c][k]);
    }
  }
  shuffle_sides(split, rng);
  return split;
}

SplitIndices patients_split(const std::vector<std::int32_t>& records) {
  SplitIndices split;
  const auto in = [](const auto& list, std::int32_t r) {
    return std::find(list.begin(), list.end(), r) != list.end();
  };
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (in(kDeChazalDs1, records[i]))
      split.train.push_back(i);
    else if (in(kDeChazalDs2, records[i]))
      split.test.push_back(i);
  }
  return split;
}

SplitIndices all_split(std::size_t count) {
  SplitIndices split;
  split.train.resize(count);
  for (std::size_t i = 0; i < count; ++i) split.train[i] = i;
  return split;
}

}  // namespace hesplit::ecg
