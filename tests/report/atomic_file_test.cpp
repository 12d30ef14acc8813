#include "report/atomic_file.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "test_data.hpp"

namespace hesplit::report {
namespace {

namespace fs = std::filesystem;

using test::slurp;

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(AtomicFile, WritesExactBytesAndLeavesNoTemporaryFile) {
  const fs::path dir = test::scratch_dir("atomic_write");
  const std::string bytes("binary\0data\nwith a NUL", 22);
  write_file_atomic(dir / "out.bin", bytes);
  EXPECT_EQ(slurp(dir / "out.bin"), bytes);
  EXPECT_EQ(entries(dir), std::vector<std::string>{"out.bin"});
}

TEST(AtomicFile, ReplacesAnExistingFile) {
  const fs::path dir = test::scratch_dir("atomic_replace");
  write_file_atomic(dir / "f.txt", "a much longer first version\n");
  write_file_atomic(dir / "f.txt", "v2\n");
  EXPECT_EQ(slurp(dir / "f.txt"), "v2\n");
  EXPECT_EQ(entries(dir), std::vector<std::string>{"f.txt"});
}

TEST(AtomicFile, CreatesMissingParentDirectories) {
  const fs::path dir = test::scratch_dir("atomic_parents");
  write_file_atomic(dir / "a" / "b" / "c.txt", "x");
  EXPECT_EQ(slurp(dir / "a" / "b" / "c.txt"), "x");
}

TEST(AtomicFile, WriterCallbackGetsAFreshFileBesideTheTarget) {
  const fs::path dir = test::scratch_dir("atomic_with");
  fs::path seen;
  write_file_atomic_with(dir / "model.pt", [&](const fs::path& temp) {
    seen = temp;
    EXPECT_EQ(temp.parent_path(), dir);
    EXPECT_TRUE(fs::exists(temp));
    EXPECT_EQ(fs::file_size(temp), 0u);
    std::ofstream(temp, std::ios::binary) << "weights";
  });
  EXPECT_EQ(slurp(dir / "model.pt"), "weights");
  EXPECT_FALSE(fs::exists(seen));
  EXPECT_EQ(entries(dir), std::vector<std::string>{"model.pt"});
}

TEST(AtomicFile, FailingWriterKeepsTheOldFileAndRemovesTheTemporary) {
  const fs::path dir = test::scratch_dir("atomic_fail");
  write_file_atomic(dir / "ckpt", "old");
  EXPECT_THROW(write_file_atomic_with(dir / "ckpt",
                                      [](const fs::path& temp) {
                                        std::ofstream(temp) << "half-writ";
                                        throw std::runtime_error("disk on fire");
                                      }),
               std::runtime_error);
  EXPECT_EQ(slurp(dir / "ckpt"), "old");
  EXPECT_EQ(entries(dir), std::vector<std::string>{"ckpt"});
}

TEST(AtomicFile, ErrorNamesThePath) {
  const fs::path dir = test::scratch_dir("atomic_error");
  write_file_atomic(dir / "plain_file", "x");
  const fs::path impossible = dir / "plain_file" / "inside.txt";  // parent is not a directory
  try {
    write_file_atomic(impossible, "y");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("plain_file"), std::string::npos) << e.what();
  }
}

TEST(AtomicFile, TargetThatIsADirectoryIsAnErrorAndLeavesNoTemporary) {
  const fs::path dir = test::scratch_dir("atomic_dir_target");
  fs::create_directories(dir / "taken");
  fs::create_directories(dir / "taken" / "child");  // rename over a non-empty directory fails
  EXPECT_THROW(write_file_atomic(dir / "taken", "x"), std::runtime_error);
  EXPECT_EQ(entries(dir), std::vector<std::string>{"taken"});
}

// The client's secret key goes through write_private_file_atomic: owner-only from the first byte,
// whatever the umask, and replacing a file that others could read makes it owner-only too.
TEST(AtomicFile, PrivateFileIsOwnerOnlyWhateverTheUmask) {
  const fs::path dir = test::scratch_dir("atomic_private");
  write_file_atomic(dir / "key", "was public\n");
  const mode_t old_mask = ::umask(0);
  write_private_file_atomic(dir / "key", "secret\n");
  ::umask(old_mask);
  EXPECT_EQ(slurp(dir / "key"), "secret\n");
  EXPECT_EQ(fs::status(dir / "key").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(entries(dir), std::vector<std::string>{"key"});
}

}  // namespace
}  // namespace hesplit::report
