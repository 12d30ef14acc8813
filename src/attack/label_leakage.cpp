#include "attack/label_leakage.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace hesplit::attack {

namespace {

double cosine(std::span<const float> a, std::span<const float> b) {
  double dot = 0, na = 0, nb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    dot += double(a[i]) * b[i];
    na += double(a[i]) * a[i];
    nb += double(b[i]) * b[i];
  }
  return na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : 0.0;
}

}  // namespace

LabelLeakage label_leakage(std::span<const float> gradients, std::span<const std::int64_t> labels,
                           std::size_t classes) {
  const std::size_t n = labels.size();
  if (classes < 2 || gradients.size() != n * classes || n == 0) {
    throw std::invalid_argument("label leakage: gradients do not match the labels");
  }
  const auto row = [&](std::size_t k) { return gradients.subspan(k * classes, classes); };
  LabelLeakage out;
  out.samples = n;
  std::size_t correct = 0;
  std::vector<std::size_t> count(classes, 0);
  for (std::size_t k = 0; k < n; ++k) {
    const auto g = row(k);
    const auto guess = std::min_element(g.begin(), g.end()) - g.begin();
    correct += guess == labels[k];
    ++count.at(static_cast<std::size_t>(labels[k]));
  }
  out.accuracy = double(correct) / double(n);

  std::vector<double> score(n);
  std::vector<char> positive(n);
  double auc_sum = 0, direction_sum = 0;
  for (std::size_t c = 0; c < classes; ++c) {
    if (count[c] == 0 || count[c] == n) continue;
    for (std::size_t k = 0; k < n; ++k) {
      score[k] = -double(row(k)[c]);
      positive[k] = labels[k] == std::int64_t(c);
    }
    out.roc_per_class.push_back(roc_curve(score, positive));
    auc_sum += out.roc_per_class.back().auc;
    // Direction scoring: the attacker knows the label of one example of class c (the first).
    const std::size_t reference =
        std::find(labels.begin(), labels.end(), std::int64_t(c)) - labels.begin();
    for (std::size_t k = 0; k < n; ++k) score[k] = cosine(row(k), row(reference));
    out.direction_roc_per_class.push_back(roc_curve(score, positive));
    direction_sum += out.direction_roc_per_class.back().auc;
    out.class_of_roc.push_back(std::int64_t(c));
  }
  const double present = double(out.class_of_roc.size());
  out.auc = present > 0 ? auc_sum / present : std::nan("");
  out.direction_auc = present > 0 ? direction_sum / present : std::nan("");

  const auto majority = std::int64_t(std::max_element(count.begin(), count.end()) - count.begin());
  for (std::size_t k = 0; k < n; ++k) {
    const auto g = row(k);
    double norm = 0;
    for (const float v : g) norm += double(v) * v;
    score[k] = std::sqrt(norm);
    positive[k] = labels[k] != majority;
  }
  if (count[std::size_t(majority)] < n) {
    out.norm_roc = roc_curve(score, positive);
    out.norm_auc = out.norm_roc.auc;
  } else {
    out.norm_auc = std::nan("");
  }
  return out;
}

}  // namespace hesplit::attack
