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

#include "extraction_settings.hpp"

namespace hesplit::ecg {

inline constexpr std::size_t kBeatLength = 128;

// One side of a split: n beats of kBeatLength samples each, row-major.
struct BeatSet {
  std::vector<float> x;              // n * kBeatLength
  std::vector<std::int64_t> y;       // n labels, 0 .. classes-1
  std::vector<std::int32_t> record;  // n MIT-BIH record numbers (e.g. 100)
  std::vector<std::int64_t> r_peak;  // n annotation sample indices in the record
  std::size_t size() const { return y.size(); }
};

struct BeatDataset {
  BeatSet train;
  BeatSet test;
  std::string split;  // paper | beats | patients | all
  std::uint64_t seed = 0;
  std::vector<std::string> class_names;  // e.g. {"N","L","R","A","V"}
  ExtractionSettings extraction;         // how the beats were cut (HDF5 attributes)
};

// Raised for missing, malformed or inconsistent dataset files; the message names the file.
class DatasetError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Writes the whole dataset atomically (report::write_file_atomic_with). Throws DatasetError.
// HDF5 (Debian's serial build) is not thread-safe: call from one thread at a time.
void write_beat_dataset(const std::filesystem::path& file, const BeatDataset& dataset);

// Reads and validates a dataset: shapes (n,1,128) / (n,), element classes (float / integer),
// labels in 0 .. classes-1, finite samples. Files in the reference's layout (no record_* /
// r_peak_* arrays, no attributes) are accepted: record is then 0 and r_peak -1 for every beat,
// the classes default to N,L,R,A,V and the split to "unknown". Throws DatasetError naming the file.
// libhdf5 reads the file in a child process (isolated_call.hpp): a malformed file that crashes
// or hangs libhdf5 ends in a DatasetError here, not in a crash.
BeatDataset read_beat_dataset(const std::filesystem::path& file);

namespace detail {
// The same read in this process, for the fuzz targets (libhdf5's crashes must be seen there).
BeatDataset read_beat_dataset_in_process(const std::filesystem::path& file);
}  // namespace detail

}  // namespace hesplit::ecg
