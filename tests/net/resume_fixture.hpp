#pragma once
// The plain run that the kill-and-resume tests interrupt (test_resume_kill,
// test_resume_concurrent): 480 training beats at batch 4, 120 batches per epoch, 600 in the run, a
// checkpoint every 7 batches (not a divisor of the epoch's 120, so checkpoints fall mid-epoch too).
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "beat_fixture.hpp"
#include "ecg/beat_dataset.hpp"
#include "report/run_summary.hpp"
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

// A resumed run's summary against the uninterrupted run's: every figure exactly equal.
inline void expect_same_metrics(const report::RunSummary& got, const report::RunSummary& want) {
  ASSERT_EQ(got.epochs.size(), want.epochs.size());
  for (std::size_t e = 0; e < want.epochs.size(); ++e) {
    SCOPED_TRACE("epoch " + std::to_string(e + 1));
    EXPECT_EQ(got.epochs[e].train_loss, want.epochs[e].train_loss);
    EXPECT_EQ(got.epochs[e].train_accuracy, want.epochs[e].train_accuracy);
    EXPECT_EQ(got.epochs[e].test_accuracy, want.epochs[e].test_accuracy);
    EXPECT_EQ(got.epochs[e].batches, want.epochs[e].batches);
    EXPECT_EQ(got.epochs[e].samples, want.epochs[e].samples);
    EXPECT_EQ(got.epochs[e].bytes_client_to_server, want.epochs[e].bytes_client_to_server);
    EXPECT_EQ(got.epochs[e].bytes_server_to_client, want.epochs[e].bytes_server_to_client);
  }
  EXPECT_EQ(got.test_accuracy, want.test_accuracy);
  EXPECT_EQ(got.confusion_matrix, want.confusion_matrix);
}

}  // namespace hesplit::test
