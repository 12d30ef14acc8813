// The readers on the real svdb files (PhysioNet's Supraventricular Arrhythmia Database: 72
// records, 128 Hz): every record in RECORDS reads with the checksums its header
// states, and its annotation file parses, including 822 and 880, whose annotation files move
// the time back by one sample after the leading NOTE (issue 14).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>

#include "ecg/wfdb_record.hpp"
#include "test_data.hpp"

namespace hesplit::ecg {
namespace {

TEST(WfdbSvdb, EveryListedRecordReadsWithMatchingChecksums) {
  const auto dir = test::svdb_dir();
  if (!dir) GTEST_SKIP() << test::kNoSvdbMessage;
  std::ifstream list(*dir / "RECORDS");
  std::size_t records = 0;
  for (std::string name; std::getline(list, name);) {
    if (name.empty() || !std::filesystem::exists(*dir / (name + ".hea"))) continue;
    ++records;
    const WfdbRecord rec = read_record(*dir / name, "atr", true);
    EXPECT_DOUBLE_EQ(rec.header.sampling_frequency, 128.0) << name;
    ASSERT_EQ(rec.header.signals.size(), 2u) << name;
    for (std::size_t s = 0; s < 2; ++s) {
      EXPECT_TRUE(rec.signals.checksum_ok(rec.header, s)) << name << " signal " << s;
    }
    ASSERT_TRUE(rec.annotations.has_value()) << name;
    EXPECT_GT(rec.annotations->annotations.size(), 500u) << name;
  }
  EXPECT_GE(records, 72u);
}

TEST(WfdbSvdb, TheTwoFilesWithABackwardSkipRead) {
  const auto dir = test::svdb_dir();
  if (!dir) GTEST_SKIP() << test::kNoSvdbMessage;
  for (const char* name : {"822", "880"}) {
    const WfdbRecord rec = read_record(*dir / name, "atr", true);
    std::map<std::string, int> by_symbol;
    for (const auto& a : rec.annotations->annotations) ++by_symbol[rec.annotations->symbol(a)];
    EXPECT_GT(by_symbol["N"], 1000) << name;
    EXPECT_GT(by_symbol["S"], 100) << name;  // a supraventricular database
    EXPECT_GE(rec.annotations->annotations.front().sample, 0) << name;
  }
}

}  // namespace
}  // namespace hesplit::ecg
