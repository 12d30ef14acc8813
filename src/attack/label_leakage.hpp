#pragma once
// Label leakage from clear logit gradients (plain and paper): each row of G is
// (softmax(z_k) - onehot(y_k)) / B, so its only negative entry sits at the label. Also the two
// scoring attacks of Li et al. (ICLR 2022), which need no knowledge of the loss:
//  - norm scoring: ||g_k|| (the rarer, harder "abnormal" beats get larger gradients);
//  - direction scoring: cosine of g_k with the gradient of one example of known class.
#include <cstdint>
#include <span>
#include <vector>

#include "attack/roc.hpp"

namespace hesplit::attack {

struct LabelLeakage {
  std::size_t samples = 0;
  double accuracy = 0;       // argmin of each row == label
  double auc = 0;            // macro one-vs-rest AUC of the score -g_k[c]
  double norm_auc = 0;       // norm scoring, abnormal (label != majority class) vs normal
  double direction_auc = 0;  // direction scoring, macro one-vs-rest (one known example per class)
  std::vector<RocCurve> roc_per_class;  // of the score -g_k[c]
  RocCurve norm_roc;
  std::vector<RocCurve> direction_roc_per_class;
  std::vector<std::int64_t> class_of_roc;  // class of each per-class curve (classes present)
};

// `gradients`: n x classes values (row-major); `labels`: the true labels (ground truth for
// scoring only; the attack itself never reads them except one example per class for direction
// scoring, as Li et al. assume). Classes with no sample or only samples are left out of the AUCs.
LabelLeakage label_leakage(std::span<const float> gradients, std::span<const std::int64_t> labels,
                           std::size_t classes);

}  // namespace hesplit::attack
