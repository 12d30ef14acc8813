// Per-class counts and train/test overlap of a dataset.
#include "dataset_summary.hpp"

#include <algorithm>
#include <iterator>
#include <set>
#include <utility>

namespace hesplit::ecg {
namespace {

std::vector<std::size_t> per_class(const BeatSet& set, std::size_t classes) {
  std::vector<std::size_t> counts(classes, 0);
  for (const auto y : set.y) {
    if (y >= 0 && static_cast<std::size_t>(y) < classes) ++counts[static_cast<std::size_t>(y)];
  }
  return counts;
}

std::vector<std::int32_t> distinct(const std::vector<std::int32_t>& v) {
  std::vector<std::int32_t> out(v);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

DatasetSummary summarize(const BeatDataset& d) {
  DatasetSummary s;
  s.train_per_class = per_class(d.train, d.class_names.size());
  s.test_per_class = per_class(d.test, d.class_names.size());
  std::set<std::pair<std::int32_t, std::int64_t>> train_beats;
  for (std::size_t i = 0; i < d.train.size(); ++i) {
    train_beats.emplace(d.train.record[i], d.train.r_peak[i]);
  }
  for (std::size_t i = 0; i < d.test.size(); ++i) {
    s.test_beats_also_in_train += train_beats.count({d.test.record[i], d.test.r_peak[i]});
  }
  s.train_records = distinct(d.train.record);
  s.test_records = distinct(d.test.record);
  std::set_intersection(s.train_records.begin(), s.train_records.end(), s.test_records.begin(),
                        s.test_records.end(), std::back_inserter(s.shared_records));
  return s;
}

}  // namespace hesplit::ecg
