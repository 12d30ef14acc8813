// The readers on the real MIT-BIH files: all 48 records read with matching checksums, and
// figures PhysioNet publishes for record 100 and 114 (MIT-BIH directory).
#include <gtest/gtest.h>

#include <map>

#include "ecg/mitdb_records.hpp"
#include "ecg/wfdb_record.hpp"
#include "test_data.hpp"

namespace hesplit::ecg {
namespace {

TEST(WfdbMitdb, AllRecordsReadWithMatchingChecksums) {
  const auto dir = test::mitdb_dir();
  if (!dir) GTEST_SKIP() << test::kNoMitdbMessage;
  for (const auto r : kMitdbRecords) {
    const WfdbRecord rec = read_record(*dir / std::to_string(r), "atr", true);
    ASSERT_EQ(rec.header.signals.size(), 2u) << r;
    EXPECT_DOUBLE_EQ(rec.header.sampling_frequency, 360.0) << r;
    EXPECT_EQ(rec.signals.samples_per_signal, 650000u) << r;
    for (std::size_t s = 0; s < 2; ++s) {
      EXPECT_EQ(rec.header.signals[s].format, 212) << r;
      EXPECT_TRUE(rec.header.signals[s].checksum.has_value()) << r;
      EXPECT_TRUE(rec.signals.checksum_ok(rec.header, s)) << r << " signal " << s;
    }
    EXPECT_GT(rec.annotations->annotations.size(), 1000u) << r;
  }
}

TEST(WfdbMitdb, Record100) {
  const auto dir = test::mitdb_dir();
  if (!dir) GTEST_SKIP() << test::kNoMitdbMessage;
  const WfdbRecord rec = read_record(*dir / "100", "atr", true);
  const SignalSpec& mlii = rec.header.signals[0];
  EXPECT_EQ(mlii.description, "MLII");
  EXPECT_DOUBLE_EQ(mlii.gain, 200);
  EXPECT_EQ(mlii.baseline, 1024);  // none in the header: the ADC zero
  EXPECT_EQ(mlii.adc_resolution, 11);
  EXPECT_EQ(mlii.checksum, -22131);
  EXPECT_EQ(rec.signals.samples[0][0], 995);  // the first sample stated as the initial value
  EXPECT_EQ(rec.signals.samples[1][0], 1011);
  std::map<std::string, int> by_symbol;
  for (const auto& a : rec.annotations->annotations) ++by_symbol[rec.annotations->symbol(a)];
  // PhysioNet's MIT-BIH directory: 2239 normal beats, 33 APCs, 1 PVC in record 100.
  EXPECT_EQ(by_symbol["N"], 2239);
  EXPECT_EQ(by_symbol["A"], 33);
  EXPECT_EQ(by_symbol["V"], 1);
}

TEST(WfdbMitdb, Record114HasMliiAsItsSecondSignal) {
  const auto dir = test::mitdb_dir();
  if (!dir) GTEST_SKIP() << test::kNoMitdbMessage;
  const WfdbRecord rec = read_record(*dir / "114");
  EXPECT_EQ(rec.header.find_signal("MLII"), 1u);
  EXPECT_EQ(rec.header.signals[0].description, "V5");
}

}  // namespace
}  // namespace hesplit::ecg
