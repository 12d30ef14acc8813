// The per-class count table that `hesplit prepare` prints, and `hesplit train` when it prepares the
// default split itself.
#include "cli/dataset_table.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdint>
#include <iostream>

#include "ecg/dataset_summary.hpp"

namespace hesplit::cli {

void print_dataset_table(const ecg::BeatDataset& d, double seconds) {
  const ecg::DatasetSummary s = ecg::summarize(d);
  std::int64_t extracted = 0;
  for (const auto n : d.extraction.extracted_per_class) extracted += n;
  std::cout << fmt::format(
      "split {} (classes {}, seed {}): {} beats extracted from {} records in {:.2f} s\n", d.split,
      fmt::join(d.class_names, ","), d.seed, extracted, d.extraction.records.size(), seconds);
  std::cout << fmt::format("{:<7}{:>10}{:>9}{:>9}\n", "class", "extracted", "train", "test");
  for (std::size_t c = 0; c < d.class_names.size(); ++c) {
    std::cout << fmt::format("{:<7}{:>10}{:>9}{:>9}\n", d.class_names[c],
                             d.extraction.extracted_per_class.at(c), s.train_per_class[c],
                             s.test_per_class[c]);
  }
  std::cout << fmt::format("{:<7}{:>10}{:>9}{:>9}\n", "total", extracted, d.train.size(),
                           d.test.size());
  if (!d.test.y.empty()) {
    std::cout << fmt::format(
        "test beats that are copies of training beats: {} ({:.1f}%); records on both sides: {}\n",
        s.test_beats_also_in_train,
        100.0 * static_cast<double>(s.test_beats_also_in_train) /
            static_cast<double>(d.test.size()),
        s.shared_records.size());
  }
}

}  // namespace hesplit::cli
