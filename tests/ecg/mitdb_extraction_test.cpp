// The paper's extraction on the real MIT-BIH data: exact beat counts, and the splits built on it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>

#include "ecg/class_scheme.hpp"
#include "ecg/dataset_summary.hpp"
#include "ecg/prepare.hpp"
#include "test_data.hpp"

namespace hesplit::ecg {
namespace {

std::vector<std::size_t> count_labels(const BeatSet& set, std::size_t classes) {
  std::vector<std::size_t> counts(classes, 0);
  for (const auto y : set.y) ++counts.at(static_cast<std::size_t>(y));
  return counts;
}

// Extraction is the expensive part (about a second); share it between the tests of this file.
class MitdbExtraction : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto dir = test::mitdb_dir();
    if (!dir) return;
    pool_ = std::make_unique<BeatSet>(
        extract_beats(*dir, split_records(SplitKind::kPaper), ClassScheme::kNlrav));
  }
  static void TearDownTestSuite() { pool_.reset(); }
  void SetUp() override {
    if (pool_ == nullptr) GTEST_SKIP() << test::kNoMitdbMessage;
  }
  static inline std::unique_ptr<BeatSet> pool_;
};

TEST_F(MitdbExtraction, PaperCountsAreExact) {
  EXPECT_EQ(pool_->size(), 96049u);
  EXPECT_EQ(count_labels(*pool_, 5), (std::vector<std::size_t>{71732, 8036, 7231, 2491, 6559}));
  EXPECT_EQ(pool_->x.size(), pool_->size() * kBeatLength);
}

TEST_F(MitdbExtraction, BeatsComeFromTheFortyThreeRecordsInOrder) {
  std::set<std::int32_t> records(pool_->record.begin(), pool_->record.end());
  EXPECT_EQ(records.size(), 43u);
  EXPECT_EQ(records.count(114), 0u);
  EXPECT_EQ(records.count(102), 0u);
  EXPECT_TRUE(std::is_sorted(pool_->record.begin(), pool_->record.end()));
  for (std::size_t i = 1; i < pool_->size(); ++i) {
    if (pool_->record[i] == pool_->record[i - 1]) {
      ASSERT_LT(pool_->r_peak[i - 1], pool_->r_peak[i]) << "beat " << i;
    }
  }
}

TEST_F(MitdbExtraction, BeatsAreScaledAndSmooth) {
  // Min-max scaled records give beats roughly within [0, 1]; denoising keeps them finite.
  const auto [lo, hi] = std::minmax_element(pool_->x.begin(), pool_->x.end());
  EXPECT_GT(*lo, -0.2f);
  EXPECT_LT(*hi, 1.2f);
}

}  // namespace
}  // namespace hesplit::ecg
