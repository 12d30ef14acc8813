#pragma once
// Receiver operating characteristic of a scoring attack: higher score = "positive".
#include <span>
#include <vector>

namespace hesplit::attack {

struct RocCurve {
  std::vector<double> false_positive_rate;  // from 0 to 1, one point per distinct score
  std::vector<double> true_positive_rate;
  double auc = 0.5;  // area under the curve; ties count one half (Mann-Whitney)
};

// Throws std::invalid_argument when the sizes differ or one of the two classes is empty.
RocCurve roc_curve(std::span<const double> scores, std::span<const char> positive);

}  // namespace hesplit::attack
