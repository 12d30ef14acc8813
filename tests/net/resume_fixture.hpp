#pragma once
// The plain run that the kill-and-resume tests interrupt (test_resume_kill, test_resume_concurrent):
// 480 training beats at batch 4, 120 batches per epoch, 600 in the run, a checkpoint every 7
// batches (not a divisor of the epoch's 120, so checkpoints fall mid-epoch too).
#include <unistd.h>

#include <filesystem>
#include <string>

#include "beat_fixture.hpp"
#include "ecg/beat_dataset.hpp"
#include "test_data.hpp"

namespace hesplit::test {

inline constexpr int kEpochs = 5;
inline constexpr int kEvery = 7;

// A scratch folder for one test process (ctest may run the suites in parallel) holding the
// run's dataset as fixture.h5.
inline std::filesystem::path resume_fixture_dir(const std::string& prefix) {
  const std::filesystem::path dir = scratch_dir(prefix + std::to_string(::getpid()));
  ecg::write_beat_dataset(dir / "fixture.h5", synthetic_dataset(480, 64));
  return dir;
}

}  // namespace hesplit::test
