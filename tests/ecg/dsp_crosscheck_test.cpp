// Resampling and wavelet denoising against scipy.signal.resample and pywt on real MIT-BIH beats,
// plus checks of the DSP pieces that need no oracle.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <fstream>
#include <iostream>
#include <numbers>

#include "ecg/beat_extraction.hpp"
#include "ecg/fourier_resample.hpp"
#include "ecg/wavelet.hpp"
#include "ecg/wavelet_denoise.hpp"
#include "ecg/wfdb_record.hpp"
#include "python_oracle.hpp"
#include "test_data.hpp"

namespace hesplit::ecg {
namespace {

void write_doubles(const std::filesystem::path& file, const std::vector<double>& v) {
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(v.data()),
            static_cast<std::streamsize>(v.size() * sizeof(double)));
}

std::vector<double> read_doubles(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  const auto bytes = static_cast<std::size_t>(in.tellg());
  std::vector<double> v(bytes / sizeof(double));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(bytes));
  return v;
}

double max_abs_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

TEST(DspCrossCheck, MatchesScipyAndPywtOnRealBeats) {
  const auto dir = test::mitdb_dir();
  if (!dir) GTEST_SKIP() << test::kNoMitdbMessage;
  if (!test::python_oracle_available()) GTEST_SKIP() << "/usr/bin/python3 not installed";
  const ExtractionSettings settings;
  const std::size_t width = 201;
  const FourierResampler resampler(width, kBeatLength);
  FourierResampler::Workspace work(resampler);
  std::vector<double> windows;
  std::vector<double> resampled;
  std::vector<double> denoised;
  // Records covering all five classes; every 4th beat keeps the oracle's run short.
  for (const int record : {100, 106, 119, 207, 209, 212, 222, 232}) {
    const auto rec = read_record(*dir / std::to_string(record), "atr", true);
    const auto channel = rec.header.find_signal("MLII");
    ASSERT_TRUE(channel.has_value());
    const auto scaled = minmax_scaled(rec.signals.samples[*channel], rec.header.signals[*channel]);
    const auto beats = select_beat_windows(*rec.annotations, rec.signals.samples_per_signal,
                                           ClassScheme::kNlrav, settings);
    for (std::size_t b = 0; b < beats.size(); b += 4) {
      const auto first = scaled.begin() + (beats[b].r_peak - 100);
      const std::vector<double> window(first, first + static_cast<std::ptrdiff_t>(width));
      std::vector<double> r(kBeatLength);
      resampler.resample(window, r, work);
      const auto d = wavelet_denoise(r, settings.wavelet_threshold, settings.wavelet_level);
      windows.insert(windows.end(), window.begin(), window.end());
      resampled.insert(resampled.end(), r.begin(), r.end());
      denoised.insert(denoised.end(), d.begin(), d.end());
    }
  }
  const auto scratch = test::scratch_dir("dsp_crosscheck");
  write_doubles(scratch / "windows.bin", windows);
  const auto result = test::run_python_oracle(
      "dsp_oracle.py", {(scratch / "windows.bin").string(), std::to_string(width),
                        (scratch / "resampled.bin").string(), (scratch / "denoised.bin").string()});
  ASSERT_EQ(result.status, 0) << result.output;
  const auto want_resampled = read_doubles(scratch / "resampled.bin");
  const auto want_denoised = read_doubles(scratch / "denoised.bin");
  ASSERT_EQ(want_resampled.size(), resampled.size());
  ASSERT_EQ(want_denoised.size(), denoised.size());
  const double resample_diff = max_abs_difference(resampled, want_resampled);
  const double denoise_diff = max_abs_difference(denoised, want_denoised);
  std::cout << "beats compared: " << windows.size() / width
            << ", max |C++ - scipy.signal.resample| = " << resample_diff
            << ", max |C++ - pywt denoise| = " << denoise_diff << '\n';
  RecordProperty("beats", static_cast<int>(windows.size() / width));
  RecordProperty("resample_max_abs_diff", std::to_string(resample_diff));
  RecordProperty("denoise_max_abs_diff", std::to_string(denoise_diff));
  EXPECT_LE(resample_diff, 1e-6);
  EXPECT_LE(denoise_diff, 1e-6);
}

// The Fourier method is exact for band-limited signals: a cosine whose frequency both lengths can
// represent comes out as the same cosine sampled at the new rate.
TEST(FourierResample, KeepsALowFrequencyCosine) {
  const std::size_t n = 201;
  const std::size_t m = 128;
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = 0.3 + std::cos(2 * std::numbers::pi * 5.0 * static_cast<double>(i) / n);
  }
  const FourierResampler resampler(n, m);
  FourierResampler::Workspace work(resampler);
  std::vector<double> y(m);
  resampler.resample(x, y, work);
  for (std::size_t j = 0; j < m; ++j) {
    const double want = 0.3 + std::cos(2 * std::numbers::pi * 5.0 * static_cast<double>(j) / m);
    EXPECT_NEAR(y[j], want, 1e-12) << j;
  }
}

TEST(FourierResample, RejectsWrongBufferSizes) {
  const FourierResampler resampler(201, 128);
  FourierResampler::Workspace work(resampler);
  std::vector<double> x(200);
  std::vector<double> y(128);
  EXPECT_THROW(resampler.resample(x, y, work), std::invalid_argument);
}

// pywt's bior4.4 table against the closed form of CDF 9/7: the low-pass filters are
// sqrt(2)-normalised cos^4(w/2) times the complex-root factor (analysis) or the real-root factor
// (synthesis) of 20y^3 + 10y^2 + 4y + 1, y = sin^2(w/2).
TEST(Bior44, FiltersMatchTheClosedForm) {
  // Real root by bisection, then the complex pair from the quotient's coefficients.
  double lo = -1.0, hi = 0.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    const double f = ((20 * mid + 10) * mid + 4) * mid + 1;
    (f > 0 ? hi : lo) = mid;
  }
  const double r = (lo + hi) / 2;
  // 20y^3+10y^2+4y+1 = 20 (y - r)(y^2 + p y + q)
  const double p = 0.5 + r;
  const double q = -1.0 / (20 * r);
  using Poly = std::vector<double>;  // Laurent coefficients, symmetric around the centre
  const auto mul = [](const Poly& a, const Poly& b) {
    Poly c(a.size() + b.size() - 1, 0.0);
    for (std::size_t i = 0; i < a.size(); ++i)
      for (std::size_t j = 0; j < b.size(); ++j) c[i + j] += a[i] * b[j];
    return c;
  };
  const Poly y = {-0.25, 0.5, -0.25};  // sin^2(w/2) = (2 - z - 1/z) / 4
  const Poly c2 = {0.25, 0.5, 0.25};   // cos^2(w/2)
  const Poly cos4 = mul(c2, c2);
  Poly quad = mul(y, y);
  for (int i = 0; i < 3; ++i)
    quad[static_cast<std::size_t>(i + 1)] += p * y[static_cast<std::size_t>(i)];
  quad[2] += q;
  Poly lin = y;
  lin[1] -= r;
  auto normalise = [](Poly v) {
    double s = 0;
    for (const double x : v) s += x;
    for (double& x : v) x *= std::sqrt(2.0) / s;
    return v;
  };
  const Poly analysis = normalise(mul(cos4, quad));
  const Poly synthesis = normalise(mul(cos4, lin));
  const WaveletFilters& w = bior44();
  for (std::size_t i = 0; i < 9; ++i) EXPECT_NEAR(w.dec_lo[i + 1], analysis[i], 1e-12) << i;
  for (std::size_t i = 0; i < 7; ++i) EXPECT_NEAR(w.rec_lo[i + 1], synthesis[i], 1e-12) << i;
}

// Without thresholding, wavedec followed by waverec gives the signal back (perfect reconstruction
// of the biorthogonal pair with symmetric extension).
TEST(Bior44, ReconstructsPerfectlyWithoutThreshold) {
  std::vector<double> x(128);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = std::sin(0.37 * static_cast<double>(i)) + 0.01 * static_cast<double>(i % 7);
  }
  EXPECT_EQ(dwt_max_level(128, kBior44FilterLength), 3);
  const auto coefficients = wavedec(x, bior44(), 3);
  ASSERT_EQ(coefficients.size(), 4u);
  EXPECT_EQ(coefficients[0].size(), 23u);
  EXPECT_EQ(coefficients[1].size(), 23u);
  EXPECT_EQ(coefficients[2].size(), 38u);
  EXPECT_EQ(coefficients[3].size(), 68u);
  const auto back = waverec(coefficients, bior44());
  ASSERT_EQ(back.size(), x.size());
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(back[i], x[i], 1e-10) << i;
}

TEST(Bior44, SoftThresholdShrinksTowardsZero) {
  std::vector<double> v = {0.5, -0.5, 0.01, -0.01, 0.0};
  soft_threshold(v, 0.1);
  EXPECT_DOUBLE_EQ(v[0], 0.4);
  EXPECT_DOUBLE_EQ(v[1], -0.4);
  EXPECT_EQ(v[2], 0.0);
  EXPECT_EQ(v[3], 0.0);
  EXPECT_EQ(v[4], 0.0);
}

}  // namespace
}  // namespace hesplit::ecg
