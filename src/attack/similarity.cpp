#include "attack/similarity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

namespace hesplit::attack {

namespace {

void check_pair(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size() || x.empty())
    throw std::invalid_argument("series sizes differ or are empty");
}

// Doubly centred distance matrix of one variable.
std::vector<double> centred_distances(std::span<const double> v) {
  const std::size_t n = v.size();
  std::vector<double> d(n * n);
  std::vector<double> row_mean(n, 0.0);
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      d[i * n + j] = std::abs(v[i] - v[j]);
      row_mean[i] += d[i * n + j];
    }
    total += row_mean[i];
    row_mean[i] /= double(n);
  }
  total /= double(n * n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) d[i * n + j] += total - row_mean[i] - row_mean[j];
  }
  return d;
}

}  // namespace

double distance_correlation(std::span<const double> x, std::span<const double> y) {
  check_pair(x, y);
  const std::vector<double> a = centred_distances(x);
  const std::vector<double> b = centred_distances(y);
  double xy = 0, xx = 0, yy = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    xy += a[i] * b[i];
    xx += a[i] * a[i];
    yy += b[i] * b[i];
  }
  if (xx <= 0 || yy <= 0) return 0.0;  // a constant series is independent of anything
  return std::sqrt(std::max(0.0, xy) / std::sqrt(xx * yy));
}

double dtw_distance(std::span<const double> x, std::span<const double> y) {
  if (x.empty() || y.empty()) throw std::invalid_argument("dtw: empty series");
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> previous(y.size() + 1, inf), current(y.size() + 1, inf);
  previous[0] = 0;
  for (std::size_t i = 1; i <= x.size(); ++i) {
    current[0] = inf;
    for (std::size_t j = 1; j <= y.size(); ++j) {
      const double best = std::min({previous[j], current[j - 1], previous[j - 1]});
      current[j] = std::abs(x[i - 1] - y[j - 1]) + best;
    }
    std::swap(previous, current);
  }
  return previous[y.size()];
}

double pearson(std::span<const double> x, std::span<const double> y) {
  check_pair(x, y);
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= double(x.size());
  my /= double(y.size());
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0.0;
}

double mean_squared_error(std::span<const double> x, std::span<const double> y) {
  check_pair(x, y);
  double sum = 0;
  for (std::size_t i = 0; i < x.size(); ++i) sum += (x[i] - y[i]) * (x[i] - y[i]);
  return sum / double(x.size());
}

}  // namespace hesplit::attack
