// The slot layout's combinatorics: every (row, feature) pair read exactly once, inside its block,
// and the client packing round trips through the layout's own reading rules.
#include <gtest/gtest.h>

#include <complex>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "packing/client_codec.hpp"
#include "packing/layout.hpp"

namespace hesplit::packing {
namespace {

// Every weight of W (row, feature < d) is read exactly once over the windows and shifts, every
// read stays inside its block, padding features are the only other reads, and window i is the
// RaS window starting at window_start(i).
void expect_layout_invariants(std::size_t slots, std::size_t d, std::size_t c) {
  SCOPED_TRACE("slots " + std::to_string(slots) + ", d " + std::to_string(d) + ", c " +
               std::to_string(c));
  const SplitLayout layout(slots, d, c);
  ASSERT_GE(layout.shifts() + 1, c);
  ASSERT_GE(layout.width(), d);
  ASSERT_LE(layout.block_size() * layout.blocks(), slots);
  std::vector<std::vector<int>> seen(c, std::vector<int>(layout.width(), 0));
  for (std::size_t p = 0; p < layout.block_size(); ++p) {
    const int row = layout.row_at(p);
    if (row < 0) continue;
    ASSERT_LT(static_cast<std::size_t>(row), c);
    for (std::size_t t = 0; t < layout.shifts(); ++t) {
      ASSERT_LT(p + t, layout.block_size()) << "read leaves the block at p=" << p;
      ++seen[static_cast<std::size_t>(row)][layout.feature_at(p, t)];
    }
  }
  for (std::size_t i = 0; i < c; ++i) {
    for (std::size_t j = 0; j < layout.width(); ++j) {
      ASSERT_EQ(seen[i][j], 1) << "row " << i << " feature " << j;
    }
    for (std::size_t u = 0; u < layout.window_length(); ++u) {
      ASSERT_EQ(layout.row_at(layout.window_start(i) + layout.shifts() * u), static_cast<int>(i));
    }
  }
  // The codec's reading of the layer is the inverse of its packing: every weight once, and
  // every block holds the same diagonal.
  std::vector<double> w(c * d);
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = static_cast<double>(i) + 1.0;
  const SplitClientCodec codec(layout);
  std::vector<SlotVector> diagonals;
  for (std::size_t t = 0; t < layout.shifts(); ++t) {
    diagonals.push_back(codec.pack_diagonal(w, t));
    for (std::size_t s = 0; s < slots; ++s) {
      ASSERT_EQ(diagonals[t][s], diagonals[t][s % layout.block_size()]) << "slot " << s;
    }
  }
  EXPECT_EQ(codec.unpack_layer(diagonals), w);
}

TEST(SplitLayout, EveryWeightIsReadOnceForTheTargetShapes) {
  for (const auto& [d, c] : std::vector<std::pair<std::size_t, std::size_t>>{
           {64, 2}, {256, 5}, {200, 15}, {512, 17}, {2048, 5}, {16, 5}, {2, 2}, {4096 / 2, 64}}) {
    expect_layout_invariants(4096, d, c);
  }
}

TEST(SplitLayout, EveryWeightIsReadOnceForRandomShapes) {
  // A fixed-seed sweep (test data, not cryptographic randomness): d in [2, 2048], c in [2, 64].
  std::uint64_t x = 0x9e3779b97f4a7c15ULL;
  const auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (int i = 0; i < 60; ++i) {
    const std::size_t d = 2 + next() % 2047;
    const std::size_t c = 2 + next() % 63;
    expect_layout_invariants(4096, d, c);
  }
}

TEST(SplitLayout, ThePapersShapeKeepsItsLayout) {
  const SplitLayout layout(4096, 256, 5);
  EXPECT_EQ(layout.shifts(), 4u);
  EXPECT_EQ(layout.width(), 256u);
  EXPECT_EQ(layout.samples_per_ciphertext(), 16u);
  const SplitKeySwitches ks = layout.key_switches();
  EXPECT_EQ(ks.forward, 10u);
  EXPECT_EQ(ks.backward, 7u);
  EXPECT_EQ(ks.update, 24u);
}

TEST(SplitLayout, ClassesBetweenPowersOfTwoLeaveRowsFree) {
  const auto rows_of = [](const SplitLayout& layout) {
    std::set<int> rows;
    for (std::size_t p = 0; p < layout.block_size(); ++p) rows.insert(layout.row_at(p));
    return rows;
  };
  // Two classes: one shift, both windows full (stride 1).
  EXPECT_EQ(rows_of(SplitLayout(4096, 256, 2)), (std::set<int>{0, 1}));
  // Three: two shifts; the second half's odd positions belong to no row.
  EXPECT_EQ(rows_of(SplitLayout(4096, 256, 3)), (std::set<int>{-1, 0, 1, 2}));
}

TEST(SplitLayout, RefusesShapesTheRingCannotHoldNamingTheLimit) {
  EXPECT_THROW(SplitLayout(4096, 0, 5), std::invalid_argument);
  EXPECT_THROW(SplitLayout(4096, 256, 0), std::invalid_argument);
  EXPECT_THROW(SplitLayout(256, 256, 5), std::invalid_argument);
  try {
    SplitLayout(4096, 2049, 5);
    FAIL() << "2049 features fit 4096 slots";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("at most 2048 features"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(SplitLayout(4096, 2048, 5));
  EXPECT_NO_THROW(SplitLayout(4096, 100, 5));  // padded to 128
  EXPECT_NO_THROW(SplitLayout(4096, 256, 64));
}

TEST(SplitLayout, GaloisStepsCoverShiftsRasAndTrace) {
  const SplitLayout layout(4096, 256, 5);
  const std::vector<int> steps = layout.galois_steps();
  const std::set<int> got(steps.begin(), steps.end());
  const std::set<int> want = {1, -1, 2, -2, 3, -3, 4, 8, 16, 32, 64, 128, 512, 1024, 2048};
  EXPECT_EQ(got, want);
}

TEST(SplitClientCodec, ActivationsSitWhereTheLayoutSays) {
  const SplitClientCodec codec(SplitLayout(4096, 256, 5));
  std::vector<double> a(3 * 256);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<double>(i) + 1.0;
  const SlotVector slots = codec.pack_activations(a, 3);
  EXPECT_EQ(slots[5], std::complex<double>(6.0, 262.0));        // samples 0 and 1, feature 5
  EXPECT_EQ(slots[256 + 5], std::complex<double>(6.0, 262.0));  // the duplicate
  EXPECT_EQ(slots[512 + 7], std::complex<double>(2.0 * 256 + 8.0, 0.0));  // sample 2 alone
  EXPECT_EQ(slots[1024], std::complex<double>(0.0, 0.0));
  EXPECT_THROW(codec.pack_activations(a, 4), std::invalid_argument);
  EXPECT_THROW(codec.pack_activations(std::vector<double>(17 * 256), 17), std::invalid_argument);
}

TEST(SplitClientCodec, GradientsAreConjugatePackedOnWindowsOnly) {
  const SplitClientCodec codec(SplitLayout(4096, 256, 5));
  const std::vector<double> g = {1, 2, 3, 4, 5, 10, 20, 30, 40, 50};
  const SlotVector slots = codec.pack_gradients(g, 2, 0.5);
  EXPECT_EQ(slots[2], std::complex<double>(1.5, -15.0));    // row 2 window, eta = 0.5
  EXPECT_EQ(slots[256], std::complex<double>(2.5, -25.0));  // row 4 window
  EXPECT_EQ(slots[257], std::complex<double>(0.0, 0.0));    // free position
}

}  // namespace
}  // namespace hesplit::packing
