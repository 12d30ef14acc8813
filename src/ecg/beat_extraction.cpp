// The paper's beat extraction, step by step (see beat_extraction.hpp).
#include "beat_extraction.hpp"

#include <algorithm>
#include <stdexcept>

#include "class_scheme.hpp"
#include "wavelet_denoise.hpp"

namespace hesplit::ecg {

std::vector<BeatWindow> select_beat_windows(const AnnotationFile& annotations,
                                            std::uint64_t samples_per_signal, ClassScheme scheme,
                                            const ExtractionSettings& settings) {
  std::vector<BeatWindow> out;
  const auto& all = annotations.annotations;
  if (all.size() < 4 || samples_per_signal == 0) return out;
  // The kept list is all[1 .. size-2]; its inner part all[2 .. size-3] may give beats.
  const auto last_sample = static_cast<std::int64_t>(samples_per_signal - 1);
  for (std::size_t i = 2; i + 2 < all.size(); ++i) {
    const auto label = class_label(scheme, annotations.symbol(all[i]));
    if (!label) continue;
    const std::int64_t start = all[i].sample - settings.window_before;
    const std::int64_t end = all[i].sample + settings.window_after;
    if (start >= 0 && start >= all[i - 1].sample && end <= last_sample &&
        end <= all[i + 1].sample) {
      out.push_back({all[i].sample, *label});
    }
  }
  return out;
}

std::vector<double> minmax_scaled(std::span<const std::int32_t> adu, const SignalSpec& spec) {
  std::vector<double> v(adu.size());
  std::transform(adu.begin(), adu.end(), v.begin(),
                 [&](std::int32_t a) { return spec.to_physical(a); });
  if (v.empty()) return v;
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  const double min = *lo;
  const double range = *hi - *lo;
  if (range <= 0) throw std::runtime_error("minmax_scaled: the signal is constant");
  for (double& x : v) x = (x - min) / range;
  return v;
}

BeatProcessor::BeatProcessor(const FourierResampler& resampler, const ExtractionSettings& settings)
    : resampler_(resampler),
      workspace_(resampler),
      threshold_(settings.wavelet_threshold),
      level_(settings.wavelet_level),
      resampled_(resampler.out_length()) {}

std::vector<double> BeatProcessor::process(std::span<const double> window) {
  resampler_.resample(window, resampled_, workspace_);
  return wavelet_denoise(resampled_, threshold_, level_);
}

void extract_record_beats(std::span<const double> scaled, std::int32_t record,
                          const std::vector<BeatWindow>& windows,
                          const ExtractionSettings& settings, BeatProcessor& processor,
                          BeatSet& out) {
  const auto width = static_cast<std::size_t>(settings.window_before + settings.window_after + 1);
  for (const BeatWindow& w : windows) {
    const auto start = static_cast<std::size_t>(w.r_peak - settings.window_before);
    const std::vector<double> beat = processor.process(scaled.subspan(start, width));
    for (const double v : beat) out.x.push_back(static_cast<float>(v));
    out.y.push_back(w.label);
    out.record.push_back(record);
    out.r_peak.push_back(w.r_peak);
  }
}

}  // namespace hesplit::ecg
