#pragma once
// Similarity measures between a raw beat and the split layer's channels (Abuadbba et al.,
// AsiaCCS 2020: high distance correlation and low DTW distance mean the activation map "looks
// like" the input, i.e. is visually invertible), plus Pearson correlation and MSE.
#include <span>

namespace hesplit::attack {

// Sample distance correlation (Szekely et al. 2007) of paired observations x_i, y_i; in [0, 1].
double distance_correlation(std::span<const double> x, std::span<const double> y);

// Dynamic time warping distance (|x_i - y_j| costs, no window) of two series.
double dtw_distance(std::span<const double> x, std::span<const double> y);

double pearson(std::span<const double> x, std::span<const double> y);
double mean_squared_error(std::span<const double> x, std::span<const double> y);

}  // namespace hesplit::attack
