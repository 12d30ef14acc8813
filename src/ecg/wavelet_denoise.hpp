#pragma once
// Wavelet denoising of one beat as the paper does it: pywt.wavedec with bior4.4 in pywt's default
// "symmetric" mode at the maximum level, soft thresholding of every coefficient array (the
// approximation included), pywt.waverec.
#include <cmath>
#include <span>
#include <vector>

namespace hesplit::ecg {

// The paper's threshold for 128-sample beats: 0.005 * sqrt(2 * log2(128)).
inline double paper_threshold(std::size_t n) {
  return 0.005 * std::sqrt(2.0 * std::log2(static_cast<double>(n)));
}

// pywt.threshold(x, t, mode="soft"), computed as pywt does: x * max(0, 1 - t/|x|).
void soft_threshold(std::span<double> values, double threshold);

// Returns the denoised signal (same length as x). level < 0 means pywt's maximum level.
std::vector<double> wavelet_denoise(std::span<const double> x, double threshold, int level = -1);

}  // namespace hesplit::ecg
