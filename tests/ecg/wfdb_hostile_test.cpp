// Hostile WFDB headers (issue 20): signal file names that leave the record's folder, one file
// listed under several names, and records that would read more than the per-record limit. Every
// fixture is a real file in a scratch folder, read through read_record as `hesplit inspect` and
// `hesplit prepare` read it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "ecg/wfdb_error.hpp"
#include "ecg/wfdb_record.hpp"
#include "test_data.hpp"
#include "wfdb_fixtures.hpp"

namespace hesplit::ecg {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const std::vector<std::int32_t> kSamples = {1, -2, 3, -4, 5, -6, 7, -8};

// The error read_record reports for DIR/rec ("no error" when it reads the record).
std::string record_error(const fs::path& dir) {
  try {
    read_record(dir / "rec");
  } catch (const WfdbError& e) {
    return e.what();
  }
  return "no error";
}

// A record folder inside `root`, and a readable "secret" format-16 file beside it (outside it).
fs::path record_beside_a_secret(const std::string& name) {
  const fs::path root = test::scratch_dir(name);
  fs::create_directories(root / "record");
  test::write_bytes(root / "secret.dat", test::pack16(kSamples));
  return root;
}

TEST(WfdbHostile, SignalFileNamesThatLeaveTheFolderAreRefused) {
  const fs::path root = record_beside_a_secret("names");
  const fs::path dir = root / "record";
  fs::create_directories(dir / "sub");
  test::write_bytes(dir / "sub" / "secret.dat", test::pack16(kSamples));
  test::write_bytes(dir / "rec.dat", test::pack16(kSamples));
  for (const std::string& name :
       {std::string("../secret.dat"), (root / "secret.dat").string(), std::string("sub/secret.dat"),
        std::string("./rec.dat"), std::string(".."), std::string(".")}) {
    test::write_text(dir / "rec.hea", "rec 1 360 8\n" + name + " 16\n");
    const std::string error = record_error(dir);
    EXPECT_THAT(error, HasSubstr("'" + name + "' is not a plain file name")) << name;
    EXPECT_THAT(error, HasSubstr("rec.hea: line 2")) << name;
  }
}

TEST(WfdbHostile, OneFileUnderTwoNamesIsRefused) {
  const fs::path dir = test::scratch_dir("aliases");
  test::write_bytes(dir / "a.dat", test::pack16(kSamples));
  fs::create_symlink("a.dat", dir / "b.dat");
  fs::create_hard_link(dir / "a.dat", dir / "c.dat");
  test::write_text(dir / "rec.hea", "rec 2 360 8\na.dat 16\nb.dat 16\n");
  EXPECT_THAT(record_error(dir),
              HasSubstr("b.dat: signal 1 names the same file as signal 0 ('a.dat')"));
  test::write_text(dir / "rec.hea", "rec 3 360 8\na.dat 16\nd.dat 16\nc.dat 16\n");
  test::write_bytes(dir / "d.dat", test::pack16(kSamples));
  EXPECT_THAT(record_error(dir),
              HasSubstr("c.dat: signal 2 names the same file as signal 0 ('a.dat')"));
}

// The report's amplification: 16 names of one 64 MiB sparse file made the reader hold 2.3 GB.
// The second name is refused before its bytes are read.
TEST(WfdbHostile, SixteenAliasesOfABigSparseFileAreRefusedAtTheSecond) {
  const fs::path dir = test::scratch_dir("sparse-aliases");
  const std::uint64_t size = std::uint64_t{64} << 20;
  test::write_bytes(dir / "big.dat", {});
  fs::resize_file(dir / "big.dat", size);
  std::string header = "rec 16 360\n";
  for (int i = 0; i < 16; ++i) {
    const std::string name = "alias" + std::to_string(i) + ".dat";
    fs::create_symlink("big.dat", dir / name);
    header += name + " 16\n";
  }
  test::write_text(dir / "rec.hea", header);
  EXPECT_THAT(record_error(dir), HasSubstr("alias1.dat: signal 1 names the same file as signal 0"));
}

// Distinct files still add up: the limit holds for the record as a whole, and a single file over
// it is refused before anything is allocated (sparse files: no disk space is used).
TEST(WfdbHostile, RecordsOverTheByteLimitAreRefused) {
  const fs::path dir = test::scratch_dir("limit");
  const std::uint64_t half = kMaxRecordSignalBytes / 2 + 2;  // even: whole format-16 samples
  for (const char* name : {"a.dat", "b.dat"}) {
    test::write_bytes(dir / name, {});
    fs::resize_file(dir / name, half);
  }
  test::write_text(dir / "rec.hea", "rec 2 360\na.dat 16\nb.dat 16\n");
  EXPECT_THAT(record_error(dir), HasSubstr("b.dat: reading " + std::to_string(half) + " bytes"));
  EXPECT_THAT(record_error(dir),
              HasSubstr("over the limit of " + std::to_string(kMaxRecordSignalBytes) + " bytes"));
  fs::resize_file(dir / "a.dat", kMaxRecordSignalBytes + 2);
  test::write_text(dir / "rec.hea", "rec 1 360\na.dat 16\n");
  EXPECT_THAT(record_error(dir), HasSubstr("a.dat: reading"));
}

// What stays allowed: two signals sharing one file in one format group (as in mitdb's 100.dat),
// next to a third signal in a file of its own.
TEST(WfdbHostile, SignalsSharingOneFileInOneGroupAreOneRead) {
  const fs::path dir = test::scratch_dir("group");
  std::vector<std::int32_t> both;
  for (const std::int32_t v : kSamples) {
    both.push_back(v);
    both.push_back(-v);
  }
  test::write_bytes(dir / "rec.dat", test::pack212(both));
  test::write_bytes(dir / "extra.dat", test::pack16(kSamples));
  test::write_text(dir / "rec.hea", "rec 3 360 8\nrec.dat 212\nrec.dat 212\nextra.dat 16\n");
  const WfdbRecord r = read_record(dir / "rec");
  EXPECT_EQ(r.signals.samples[0], kSamples);
  EXPECT_EQ(r.signals.samples[1].front(), -kSamples.front());
  EXPECT_EQ(r.signals.samples[2], kSamples);
}

// A FIFO named as a signal file would block the reader forever (and has no size to check).
TEST(WfdbHostile, ASignalFileThatIsNotARegularFileIsRefused) {
  const fs::path dir = test::scratch_dir("fifo");
  ASSERT_EQ(::mkfifo((dir / "rec.dat").c_str(), 0600), 0);
  test::write_text(dir / "rec.hea", "rec 1 360 8\nrec.dat 16\n");
  EXPECT_THAT(record_error(dir), HasSubstr("rec.dat: signal file is not a regular file"));
}

}  // namespace
}  // namespace hesplit::ecg
