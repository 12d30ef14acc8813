#pragma once
// From a folder of raw MIT-BIH records to a split heartbeat dataset (DATA.md).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

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

BeatDataset prepare_dataset(const PrepareOptions& options, const PrepareProgress& progress = {});

}  // namespace hesplit::ecg
