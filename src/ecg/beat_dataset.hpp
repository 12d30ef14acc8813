#pragma once
// Heartbeat datasets on disk, in the HDF5 layout of the reference artifact (docs: DATA.md):
// x_train (n,1,128) float32, y_train (n,) int64, x_test, y_test, record_train/record_test (n,)
// int32, r_peak_train/r_peak_test (n,) int64, plus attributes naming split, seed, classes and the
// extraction settings.
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace hesplit::ecg {

inline constexpr std::size_t kBeatLength = 128;

// One side of a split: n beats of kBeatLength samples each, row-major.
struct BeatSet {
  std::vector<float> x;            // n * kBeatLength
  std::vector<std::int64_t> y;     // n labels, 0 .. classes-1
  std::vector<std::int32_t> record;  // n MIT-BIH record numbers (e.g. 100)
  std::vector<std::int64_t> r_peak;  // n annotation sample indices in the record
  std::size_t size() const { return y.size(); }
};

struct BeatDataset {
  BeatSet train;
  BeatSet test;
  std::string split;                     // paper | beats | patients | all
  std::uint64_t seed = 0;
  std::vector<std::string> class_names;  // e.g. {"N","L","R","A","V"}
};

// Raised for missing, malformed or inconsistent dataset files; the message names the file.
class DatasetError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

void write_beat_dataset(const std::filesystem::path& file, const BeatDataset& dataset);
BeatDataset read_beat_dataset(const std::filesystem::path& file);

}  // namespace hesplit::ecg
