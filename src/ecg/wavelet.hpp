#pragma once
// The biorthogonal 4.4 wavelet (Cohen-Daubechies-Feauveau 9/7) and the one-dimensional discrete
// wavelet transform with the conventions of PyWavelets (pywt) 1.x: 10-tap filter arrays as
// pywt.Wavelet('bior4.4') lists them, half-sample symmetric extension (pywt's "symmetric" mode),
// approximation and detail of length floor((n + 9) / 2) per level, the maximum level
// floor(log2(n / 9)), and wavedec/waverec ordering [cA_n, cD_n, ..., cD_1].
#include <array>
#include <cstddef>
#include <span>
#include <vector>

namespace hesplit::ecg {

inline constexpr std::size_t kBior44FilterLength = 10;

struct WaveletFilters {
  std::array<double, kBior44FilterLength> dec_lo;
  std::array<double, kBior44FilterLength> dec_hi;
  std::array<double, kBior44FilterLength> rec_lo;
  std::array<double, kBior44FilterLength> rec_hi;
};

const WaveletFilters& bior44();

// pywt.dwt_max_level(n, filter_length)
int dwt_max_level(std::size_t n, std::size_t filter_length);

// One level of analysis: cA and cD (pywt.dwt, mode "symmetric").
void dwt(std::span<const double> x, const WaveletFilters& w, std::vector<double>& approximation,
         std::vector<double>& detail);

// One level of synthesis (pywt.idwt); approximation and detail have the same length m and the
// result has 2m - 8 samples.
std::vector<double> idwt(std::span<const double> approximation, std::span<const double> detail,
                         const WaveletFilters& w);

// pywt.wavedec(x, w, mode="symmetric", level): [cA_level, cD_level, ..., cD_1].
std::vector<std::vector<double>> wavedec(std::span<const double> x, const WaveletFilters& w,
                                         int level);

// pywt.waverec(coefficients, w, mode="symmetric").
std::vector<double> waverec(const std::vector<std::vector<double>>& coefficients,
                            const WaveletFilters& w);

}  // namespace hesplit::ecg
