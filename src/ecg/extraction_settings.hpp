#pragma once
// How the beats of a dataset were cut from the raw records (DATA.md, "Beat extraction"). Stored as
// HDF5 attributes next to the arrays so a dataset file says how it was made.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace hesplit::ecg {

struct ExtractionSettings {
  std::string channel = "MLII";                 // picked by its description in the header
  std::int32_t window_before = 100;             // samples kept before the R peak
  std::int32_t window_after = 100;              // samples kept after the R peak
  std::string normalisation = "minmax-record";  // each record scaled to [0, 1] as a whole
  std::string resampling = "fourier";           // as scipy.signal.resample
  std::string wavelet = "bior4.4";
  std::string wavelet_mode = "symmetric";  // pywt's default signal extension
  std::int32_t wavelet_level = 3;          // pywt's maximum level for 128 samples and bior4.4
  double wavelet_threshold = 0.005 * std::sqrt(2.0 * std::log2(128.0));
  std::string threshold_mode = "soft";  // on every coefficient array, approximation included
  std::vector<std::int32_t> records;    // MIT-BIH records the beats were taken from
  std::vector<std::int64_t> extracted_per_class;  // beats extracted per class, before the split
};

}  // namespace hesplit::ecg
