// Model files written by a real `hesplit train` process in a run folder where someone planted
// symlinks at the fixed temporary names the writer used to go through ("client_front.pt.tmp"):
// the writer must not follow them (issue 20), and the models must end up as the run's own files.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "beat_fixture.hpp"
#include "child_process.hpp"
#include "split/session/server_options.hpp"
#include "test_data.hpp"

namespace hesplit::test {
namespace {

TEST(CheckpointWrites, TrainDoesNotFollowSymlinksAtTheOldTemporaryNames) {
  const fs::path dir = scratch_dir("planted-symlinks");
  ecg::write_beat_dataset(dir / "data.h5", synthetic_dataset(64, 16));
  const fs::path run = dir / "run";
  fs::create_directories(run);
  const std::string victim_text = "a file of the victim's, writable by whoever runs hesplit\n";
  for (const char* model : {split::kClientCheckpoint, split::kServerCheckpoint}) {
    const fs::path victim = dir / (std::string("victim-") + model);
    std::ofstream(victim) << victim_text;
    fs::create_symlink(victim, run / (std::string(model) + ".tmp"));
  }
  Child train({"train", "--mode", "local", "--data", (dir / "data.h5").string(), "--epochs", "1",
               "--batch", "8", "--max-batches", "2", "--out", run.string()},
              dir / "train");
  ASSERT_EQ(train.wait(), 0) << train.err();
  for (const char* model : {split::kClientCheckpoint, split::kServerCheckpoint}) {
    EXPECT_EQ(slurp(dir / (std::string("victim-") + model)), victim_text)
        << "the victim of " << model << ".tmp was overwritten";
    EXPECT_TRUE(fs::is_symlink(run / (std::string(model) + ".tmp"))) << model;
    EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(run / model))) << model << " is no file";
    EXPECT_GT(fs::file_size(run / model), 1000u) << model;
  }
  // The client's front network is the client's own: owner-only, like its secret key.
  EXPECT_EQ(fs::status(run / split::kClientCheckpoint).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
}

}  // namespace
}  // namespace hesplit::test
