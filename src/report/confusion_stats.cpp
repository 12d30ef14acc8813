#include "report/confusion_stats.hpp"

#include <limits>

namespace hesplit::report {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double ratio(std::int64_t part, std::int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : kNaN;
}

}  // namespace

std::vector<ClassStats> class_stats(const std::vector<std::vector<std::int64_t>>& matrix) {
  const std::size_t n = matrix.size();
  std::vector<ClassStats> stats(n);
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t c = 0; c < n && c < matrix[r].size(); ++c) {
      stats[r].support += matrix[r][c];
      stats[c].predicted += matrix[r][c];
    }
    if (r < matrix[r].size()) stats[r].correct = matrix[r][r];
  }
  for (auto& s : stats) {
    s.precision = ratio(s.correct, s.predicted);
    s.recall = ratio(s.correct, s.support);
    s.f1 = s.precision + s.recall > 0.0 ? 2.0 * s.precision * s.recall / (s.precision + s.recall)
                                        : (s.precision == 0.0 && s.recall == 0.0 ? 0.0 : kNaN);
  }
  return stats;
}

double matrix_accuracy(const std::vector<std::vector<std::int64_t>>& matrix) {
  std::int64_t total = 0, correct = 0;
  for (std::size_t r = 0; r < matrix.size(); ++r) {
    for (std::size_t c = 0; c < matrix[r].size(); ++c) total += matrix[r][c];
    if (r < matrix[r].size()) correct += matrix[r][r];
  }
  return ratio(correct, total);
}

}  // namespace hesplit::report
