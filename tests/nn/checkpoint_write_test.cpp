// Model files are written through the project's atomic writer (report/atomic_file.hpp): a symlink
// planted at the old fixed temporary name "FILE.tmp" is not followed, and a write that fails
// half-way leaves the previous model under FILE and no debris beside it (issue 20).
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "nn/client_front.hpp"
#include "nn/server_head.hpp"
#include "test_data.hpp"

namespace hesplit::nn {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(CheckpointWrite, SymlinkAtTheOldTemporaryNameIsNotFollowed) {
  const fs::path dir = test::scratch_dir("planted");
  const std::string victim_text = "victim\n";
  std::ofstream(dir / "victim") << victim_text;
  fs::create_directories(dir / "run");
  fs::create_symlink(dir / "victim", dir / "run" / "head.pt.tmp");
  fs::create_symlink(dir / "victim", dir / "run" / "front.pt.tmp");
  ServerHead(kSplitFeatures, 5, 1, 1e-2).save(dir / "run" / "head.pt");
  ClientFront(1, 1e-3).save(dir / "run" / "front.pt");
  EXPECT_EQ(test::slurp(dir / "victim"), victim_text);
  for (const char* model : {"head.pt", "front.pt"}) {
    EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(dir / "run" / model))) << model;
  }
  EXPECT_NO_THROW(ServerHead::load(dir / "run" / "head.pt", 1e-2));
  EXPECT_NO_THROW(ClientFront::load(dir / "run" / "front.pt", 1e-3));
}

// Lowers this process's file size limit (soft only) so that writes beyond `bytes` fail with
// EFBIG, as on a full disk; SIGXFSZ is ignored so the failure is an error, not a kill.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &saved_);
    previous_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit lowered = saved_;
    lowered.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &lowered);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, previous_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit saved_{};
  void (*previous_)(int) = SIG_DFL;
};

TEST(CheckpointWrite, AWriteThatFailsHalfWayLeavesTheOldModelAndNoDebris) {
  const fs::path dir = test::scratch_dir("half-written");
  const ServerHead old_head(kSplitFeatures, 5, 1, 1e-2);
  old_head.save(dir / "head.pt");
  const ClientFront old_front(1, 1e-3);
  old_front.save(dir / "front.pt");
  const std::string head_bytes = test::slurp(dir / "head.pt");
  const std::string front_bytes = test::slurp(dir / "front.pt");
  ASSERT_GT(head_bytes.size(), 2048u);
  ASSERT_GT(front_bytes.size(), 2048u);
  {
    const FileSizeLimit limit(1024);
    EXPECT_THROW(ServerHead(kSplitFeatures, 5, 2, 1e-2).save(dir / "head.pt"), std::exception);
    EXPECT_THROW(ClientFront(2, 1e-3).save(dir / "front.pt"), std::exception);
  }
  EXPECT_EQ(test::slurp(dir / "head.pt"), head_bytes) << "a torn head checkpoint";
  EXPECT_EQ(test::slurp(dir / "front.pt"), front_bytes) << "a torn front checkpoint";
  EXPECT_EQ(entries(dir), (std::vector<std::string>{"front.pt", "head.pt"}));
}

}  // namespace
}  // namespace hesplit::nn
