#pragma once
// Per-class figures derived from a confusion matrix (rows: true class, columns: predicted).
#include <cstdint>
#include <vector>

namespace hesplit::report {

struct ClassStats {
  std::int64_t support = 0;    // test samples of this class (row sum)
  std::int64_t predicted = 0;  // samples predicted as this class (column sum)
  std::int64_t correct = 0;    // diagonal entry
  double precision = 0.0;      // correct / predicted; NaN when nothing was predicted as it
  double recall = 0.0;         // correct / support; NaN when the class has no samples
  double f1 = 0.0;             // NaN when precision or recall is undefined
};

std::vector<ClassStats> class_stats(const std::vector<std::vector<std::int64_t>>& matrix);
// Trace over total; NaN for an empty matrix.
double matrix_accuracy(const std::vector<std::vector<std::int64_t>>& matrix);

}  // namespace hesplit::report
