#include "attack/roc.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace hesplit::attack {

RocCurve roc_curve(std::span<const double> scores, std::span<const char> positive) {
  if (scores.size() != positive.size()) throw std::invalid_argument("roc: sizes differ");
  const auto positives = static_cast<double>(std::count(positive.begin(), positive.end(), 1));
  const double negatives = static_cast<double>(scores.size()) - positives;
  if (positives == 0 || negatives == 0) {
    throw std::invalid_argument("roc: needs at least one positive and one negative sample");
  }
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  RocCurve roc;
  roc.false_positive_rate.push_back(0.0);
  roc.true_positive_rate.push_back(0.0);
  double tp = 0;
  double fp = 0;
  double area = 0;
  for (std::size_t i = 0; i < order.size();) {
    // All samples with the same score move the curve together (a diagonal step for ties).
    double step_tp = 0;
    double step_fp = 0;
    const double score = scores[order[i]];
    for (; i < order.size() && scores[order[i]] == score; ++i) {
      (positive[order[i]] == 1 ? step_tp : step_fp) += 1;
    }
    area += step_fp * (tp + step_tp / 2);
    tp += step_tp;
    fp += step_fp;
    roc.false_positive_rate.push_back(fp / negatives);
    roc.true_positive_rate.push_back(tp / positives);
  }
  roc.auc = area / (positives * negatives);
  return roc;
}

}  // namespace hesplit::attack
