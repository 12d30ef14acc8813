// Discrete wavelet transform with pywt's conventions (see wavelet.hpp).
#include "wavelet.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace hesplit::ecg {
namespace {

// The CDF 9/7 analysis low-pass (9 taps) and synthesis low-pass (7 taps), sums sqrt(2). The
// digits are those of pywt's bior4.4 table, which differ from the exact closed form (roots of
// 20y^3 + 10y^2 + 4y + 1, see the tests) by about 5e-13; we keep pywt's values so that our beats
// equal the reference's as closely as floating point allows.
constexpr std::array<double, 9> kAnalysisLow = {
    0.03782845550726404,  -0.023849465019556843, -0.11062440441843718,
    0.37740285561283066,  0.8526986790088938,    0.37740285561283066,
    -0.11062440441843718, -0.023849465019556843, 0.03782845550726404};
constexpr std::array<double, 7> kSynthesisLow = {
    -0.06453888262869706, -0.04068941760916406, 0.41809227322161724, 0.7884856164055829,
    0.41809227322161724,  -0.04068941760916406, -0.06453888262869706};

// pywt pads both to 10 taps: the 9-tap filters at positions 1..9, the 7-tap ones at 1..7. The
// high-pass filters are the other low-pass with alternating signs (quadrature mirror relation).
WaveletFilters make_bior44() {
  WaveletFilters w{};
  for (std::size_t i = 0; i < kAnalysisLow.size(); ++i) w.dec_lo[i + 1] = kAnalysisLow[i];
  for (std::size_t i = 0; i < kSynthesisLow.size(); ++i) w.rec_lo[i + 1] = kSynthesisLow[i];
  for (std::size_t n = 0; n < kBior44FilterLength; ++n) {
    const double sign = (n % 2 == 0) ? 1.0 : -1.0;
    w.dec_hi[n] = -sign * w.rec_lo[n];
    w.rec_hi[n] = sign * w.dec_lo[n];
  }
  return w;
}

// Half-sample symmetric extension of x (... x1 x0 | x0 x1 ... x[n-1] | x[n-1] x[n-2] ...),
// repeated with period 2n so that any index is defined, even for signals shorter than a filter.
double symmetric_at(std::span<const double> x, std::ptrdiff_t index) {
  const auto n = static_cast<std::ptrdiff_t>(x.size());
  std::ptrdiff_t m = index % (2 * n);
  if (m < 0) m += 2 * n;
  return x[static_cast<std::size_t>(m < n ? m : 2 * n - 1 - m)];
}

}  // namespace

const WaveletFilters& bior44() {
  static const WaveletFilters filters = make_bior44();  // immutable after first use
  return filters;
}

int dwt_max_level(std::size_t n, std::size_t filter_length) {
  if (filter_length < 2 || n < filter_length - 1) return 0;
  return static_cast<int>(
      std::floor(std::log2(static_cast<double>(n) / static_cast<double>(filter_length - 1))));
}

void dwt(std::span<const double> x, const WaveletFilters& w, std::vector<double>& approximation,
         std::vector<double>& detail) {
  if (x.empty()) throw std::invalid_argument("dwt: empty signal");
  const std::size_t f = kBior44FilterLength;
  const std::size_t out = (x.size() + f - 1) / 2;
  approximation.assign(out, 0.0);
  detail.assign(out, 0.0);
  // Output o is the filter applied at input position 2o + 1 (downsampling by two, odd phase).
  for (std::size_t o = 0; o < out; ++o) {
    const auto centre = static_cast<std::ptrdiff_t>(2 * o + 1);
    double a = 0.0;
    double d = 0.0;
    for (std::size_t j = 0; j < f; ++j) {
      const double v = symmetric_at(x, centre - static_cast<std::ptrdiff_t>(j));
      a += w.dec_lo[j] * v;
      d += w.dec_hi[j] * v;
    }
    approximation[o] = a;
    detail[o] = d;
  }
}

std::vector<double> idwt(std::span<const double> approximation, std::span<const double> detail,
                         const WaveletFilters& w) {
  const std::size_t f = kBior44FilterLength;
  const std::size_t m = approximation.size();
  if (detail.size() != m || 2 * m + 2 <= f) {
    throw std::invalid_argument("idwt: coefficient arrays of lengths " + std::to_string(m) +
                                " and " + std::to_string(detail.size()) + " cannot be combined");
  }
  // The 'valid' part of the full convolution of the zero-upsampled coefficients with the
  // synthesis filters: output p is full-convolution index p + f - 2.
  std::vector<double> out(2 * m + 2 - f, 0.0);
  for (std::size_t p = 0; p < out.size(); ++p) {
    const std::size_t full = p + f - 2;
    double sum = 0.0;
    // Coefficient k meets filter tap full - 2k, which must lie in 0 .. f-1.
    const std::size_t k_first = full >= f - 1 ? (full - (f - 1) + 1) / 2 : 0;
    for (std::size_t k = k_first; k < m && 2 * k <= full; ++k) {
      const std::size_t tap = full - 2 * k;
      sum += approximation[k] * w.rec_lo[tap] + detail[k] * w.rec_hi[tap];
    }
    out[p] = sum;
  }
  return out;
}

std::vector<std::vector<double>> wavedec(std::span<const double> x, const WaveletFilters& w,
                                         int level) {
  if (level < 0) throw std::invalid_argument("wavedec: negative level");
  std::vector<std::vector<double>> details;
  std::vector<double> current(x.begin(), x.end());
  for (int l = 0; l < level; ++l) {
    std::vector<double> a;
    std::vector<double> d;
    dwt(current, w, a, d);
    details.push_back(std::move(d));
    current = std::move(a);
  }
  std::vector<std::vector<double>> out{std::move(current)};
  for (auto it = details.rbegin(); it != details.rend(); ++it) out.push_back(std::move(*it));
  return out;
}

std::vector<double> waverec(const std::vector<std::vector<double>>& coefficients,
                            const WaveletFilters& w) {
  if (coefficients.empty()) throw std::invalid_argument("waverec: no coefficients");
  std::vector<double> a = coefficients.front();
  for (std::size_t i = 1; i < coefficients.size(); ++i) {
    const auto& d = coefficients[i];
    // As pywt: an approximation one longer than the detail drops its last value.
    if (a.size() == d.size() + 1) a.pop_back();
    a = idwt(a, d, w);
  }
  return a;
}

}  // namespace hesplit::ecg
