#pragma once
// From a folder of raw MIT-BIH records to a split heartbeat dataset (DATA.md).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "beat_dataset.hpp"

namespace hesplit::ecg {

enum class SplitKind { kPaper, kBeats, kPatients, kAll };
enum class ClassScheme { kNlrav, kAami };

struct PrepareOptions {
  std::filesystem::path mitdb_dir;
  SplitKind split = SplitKind::kPaper;
  ClassScheme classes = ClassScheme::kNlrav;
  std::uint64_t seed = 0;
  int threads = 0;  // 0: all cores
};

// Progress callback: (records done, records total).
using PrepareProgress = std::function<void(std::size_t, std::size_t)>;

// Reads the split's records (in parallel, one record per task), extracts their beats as DATA.md
// describes and splits them. The progress callback is called from worker threads, one call at a
// time. Throws WfdbError for bad input files and std::runtime_error / invalid_argument otherwise.
BeatDataset prepare_dataset(const PrepareOptions& options, const PrepareProgress& progress = {});

// The records a split draws from: the paper's 43 (all 48 but 102, 104, 107, 114, 217) for
// paper, beats and all; de Chazal's DS1 and DS2 (44, 114 included) for patients.
std::vector<std::int32_t> split_records(SplitKind split);

// Every beat of the given records in record order (labels from `classes`), as one BeatSet.
BeatSet extract_beats(const std::filesystem::path& mitdb_dir,
                      const std::vector<std::int32_t>& records, ClassScheme classes,
                      int threads = 0, const PrepareProgress& progress = {});

// Names used on the command line and in the HDF5 attributes.
std::string split_name(SplitKind split);                  // paper | beats | patients | all
SplitKind parse_split(const std::string& name);           // throws std::invalid_argument
ClassScheme parse_class_scheme(const std::string& name);  // nlrav | aami

}  // namespace hesplit::ecg
