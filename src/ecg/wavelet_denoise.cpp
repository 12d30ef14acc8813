// Soft-threshold wavelet denoising (bior4.4, pywt conventions).
#include "wavelet_denoise.hpp"

#include <algorithm>

#include "wavelet.hpp"

namespace hesplit::ecg {

void soft_threshold(std::span<double> values, double threshold) {
  for (double& v : values) {
    // |v| = 0 gives 1 - inf = -inf, clipped to 0: the value stays 0, as in pywt.
    const double keep = std::max(0.0, 1.0 - threshold / std::abs(v));
    v *= keep;
  }
}

std::vector<double> wavelet_denoise(std::span<const double> x, double threshold, int level) {
  const WaveletFilters& w = bior44();
  if (level < 0) level = dwt_max_level(x.size(), kBior44FilterLength);
  auto coefficients = wavedec(x, w, level);
  for (auto& c : coefficients) soft_threshold(c, threshold);
  auto out = waverec(coefficients, w);
  // waverec of an odd-length signal returns one sample more (pywt does the same); keep n.
  out.resize(x.size());
  return out;
}

}  // namespace hesplit::ecg
