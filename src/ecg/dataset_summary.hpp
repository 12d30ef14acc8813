#pragma once
// Counts that describe a split dataset: beats per class on each side, and how many test beats are
// copies of training beats (same record and R peak), which the paper split has by construction.
#include <cstdint>
#include <vector>

#include "beat_dataset.hpp"

namespace hesplit::ecg {

struct DatasetSummary {
  std::vector<std::size_t> train_per_class;
  std::vector<std::size_t> test_per_class;
  std::size_t test_beats_also_in_train = 0;  // test entries whose (record, r_peak) is in train
  std::vector<std::int32_t> train_records;   // distinct, sorted
  std::vector<std::int32_t> test_records;
  std::vector<std::int32_t> shared_records;  // records (patients) on both sides
};

DatasetSummary summarize(const BeatDataset& dataset);

}  // namespace hesplit::ecg
