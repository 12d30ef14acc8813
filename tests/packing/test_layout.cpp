// The slot layout's combinatorics: every (row, feature) pair read exactly once, inside its block,
// and the client packing round trips through the layout's own reading rules.
#include <gtest/gtest.h>

#include <complex>
#include <set>
#include <stdexcept>
#include <vector>

#include "packing/client_codec.hpp"
#include "packing/layout.hpp"

namespace hesplit::packing {
namespace {

TEST(SplitLayout, EveryRowReadsEveryFeatureOnceInsideItsBlock) {
  for (const std::size_t d : {16u, 64u, 256u}) {
    const SplitLayout layout(4096, d, 5);
    std::vector<std::vector<int>> seen(5, std::vector<int>(d, 0));
    for (std::size_t p = 0; p < layout.block_size(); ++p) {
      const int row = layout.row_at(p);
      if (row < 0) continue;
      for (std::size_t t = 0; t < SplitLayout::kShifts; ++t) {
        ASSERT_LT(p + t, layout.block_size()) << "read leaves the block at p=" << p;
        ++seen[static_cast<std::size_t>(row)][layout.feature_at(p, t)];
      }
    }
    for (std::size_t i = 0; i < 5; ++i) {
      for (std::size_t j = 0; j < d; ++j)
        EXPECT_EQ(seen[i][j], 1) << "row " << i << " feature " << j;
    }
    // Window i is exactly the RaS window starting at window_start(i).
    for (std::size_t i = 0; i < 5; ++i) {
      for (std::size_t u = 0; u < layout.window_length(); ++u) {
        EXPECT_EQ(layout.row_at(layout.window_start(i) + SplitLayout::kRasStride * u),
                  static_cast<int>(i));
      }
    }
  }
}

TEST(SplitLayout, FewerClassesLeaveRowsFree) {
  const SplitLayout layout(4096, 256, 2);
  std::set<int> rows;
  for (std::size_t p = 0; p < layout.block_size(); ++p) rows.insert(layout.row_at(p));
  EXPECT_EQ(rows, (std::set<int>{-1, 0, 1}));
}

TEST(SplitLayout, RejectsBadShapes) {
  EXPECT_THROW(SplitLayout(4096, 100, 5), std::invalid_argument);
  EXPECT_THROW(SplitLayout(4096, 256, 6), std::invalid_argument);
  EXPECT_THROW(SplitLayout(4096, 256, 0), std::invalid_argument);
  EXPECT_THROW(SplitLayout(256, 256, 5), std::invalid_argument);
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
