#pragma once
// The paper's beat extraction (DATA.md, "Beat extraction"): from one record's MLII signal and
// reference annotations to beats of 128 samples.
//   1. physical units, (adu - baseline) / gain;
//   2. min-max scaling of the whole record to [0, 1];
//   3. every annotation in order, the first and the last dropped; of the rest, the first and the
//      last only serve as neighbours; every other annotation whose symbol has a class gives the
//      window R-100 .. R+100 if it starts at or after 0 and the previous annotation, and ends at
//      or before the record's last sample and the next annotation;
//   4. Fourier resampling of the 201 samples to 128 (scipy.signal.resample);
//   5. bior4.4 soft-threshold wavelet denoising (pywt, see wavelet_denoise.hpp).
#include <cstdint>
#include <span>
#include <vector>

#include "beat_dataset.hpp"
#include "extraction_settings.hpp"
#include "fourier_resample.hpp"
#include "mit_annotations.hpp"
#include "prepare.hpp"
#include "wfdb_header.hpp"

namespace hesplit::ecg {

struct BeatWindow {
  std::int64_t r_peak = 0;  // annotation sample index
  int label = 0;
};

// Step 3: the annotations that give beats, in record order.
std::vector<BeatWindow> select_beat_windows(const AnnotationFile& annotations,
                                            std::uint64_t samples_per_signal, ClassScheme scheme,
                                            const ExtractionSettings& settings);

// Steps 1 and 2 for one signal.
std::vector<double> minmax_scaled(std::span<const std::int32_t> adu, const SignalSpec& spec);

// Steps 4 and 5 for one window; one per thread (it owns the resampler's workspace).
class BeatProcessor {
 public:
  BeatProcessor(const FourierResampler& resampler, const ExtractionSettings& settings);
  // window.size() == resampler input length; returns kBeatLength values.
  std::vector<double> process(std::span<const double> window);

 private:
  const FourierResampler& resampler_;
  FourierResampler::Workspace workspace_;
  double threshold_;
  int level_;
  std::vector<double> resampled_;
};

// Every beat of one record (steps 1-5), appended to `out` with the record number.
void extract_record_beats(std::span<const double> scaled, std::int32_t record,
                          const std::vector<BeatWindow>& windows,
                          const ExtractionSettings& settings, BeatProcessor& processor,
                          BeatSet& out);

}  // namespace hesplit::ecg
