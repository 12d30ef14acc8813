// Robustness: every truncation and thousands of random byte changes of valid fixture files give
// either a correct parse or a WfdbError, never a crash, hang or other exception. (Run under
// sanitizers to also catch silent out-of-bounds reads.)
#include <gtest/gtest.h>

#include "ecg/mit_annotations.hpp"
#include "ecg/seeded_rng.hpp"
#include "ecg/wfdb_error.hpp"
#include "ecg/wfdb_header.hpp"
#include "ecg/wfdb_signals.hpp"
#include "test_data.hpp"
#include "wfdb_fixtures.hpp"

namespace hesplit::ecg {
namespace {

test::Bytes valid_annotations() {
  test::AnnotationWriter w;
  w.annotation(28, 18).aux("(N").annotation(1, 59).annotation(5, 300).sub(2).chn(1).num(3);
  w.skip(100000).annotation(22, 23).aux("odd").annotation(8, 1).annotation(1, 1000).end();
  return w.bytes();
}

// Runs parse on the bytes; true when it parsed, false on WfdbError; anything else fails.
template <typename Parse>
bool parses_or_reports(const Parse& parse) {
  try {
    parse();
    return true;
  } catch (const WfdbError&) {
    return false;
  }
}

TEST(Corruption, AnnotationFileTruncatedAnywhere) {
  const test::Bytes full = valid_annotations();
  for (std::size_t n = 0; n < full.size(); ++n) {
    const test::Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    // Every strict prefix lacks the end marker or is cut inside an item: always an error.
    EXPECT_FALSE(parses_or_reports([&] { parse_annotations(cut, "a.atr"); })) << n;
  }
  EXPECT_TRUE(parses_or_reports([&] { parse_annotations(full, "a.atr"); }));
}

TEST(Corruption, AnnotationFileWithRandomBytes) {
  const test::Bytes full = valid_annotations();
  SeededRng rng(1);
  int errors = 0;
  for (int trial = 0; trial < 5000; ++trial) {
    test::Bytes bytes = full;
    for (int k = 0; k < 3; ++k) {
      bytes[static_cast<std::size_t>(rng.below(bytes.size()))] =
          static_cast<unsigned char>(rng.below(256));
    }
    if (!parses_or_reports([&] { parse_annotations(bytes, "a.atr"); })) ++errors;
  }
  EXPECT_GT(errors, 0);  // the mutations do hit the checks
}

TEST(Corruption, HeaderWithRandomBytes) {
  const std::string header =
      "rec 2 360 1200\nrec.dat 212 200(-12)/mV 11 1024 1000 -22131 0 MLII\n"
      "rec.dat 16+4 0.5/mmHg 16 7 8 9 512 ABP\n# comment\n";
  SeededRng rng(2);
  int errors = 0;
  for (int trial = 0; trial < 5000; ++trial) {
    std::string text = header;
    for (int k = 0; k < 2; ++k) {
      text[static_cast<std::size_t>(rng.below(text.size()))] = static_cast<char>(rng.below(256));
    }
    if (!parses_or_reports([&] { parse_header(text, "rec.hea"); })) ++errors;
  }
  EXPECT_GT(errors, 0);
  for (std::size_t n = 0; n <= header.size(); ++n) {
    parses_or_reports([&] { parse_header(header.substr(0, n), "rec.hea"); });
  }
}

TEST(Corruption, SignalFileTruncatedAnywhere) {
  const auto dir = test::scratch_dir("corruption_signals");
  const std::vector<std::int32_t> samples = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  const test::Bytes full = test::pack212(samples);
  for (const std::string length : {"6", ""}) {  // with and without a stated length
    test::write_text(dir / "rec.hea", "rec 2 360 " + length + "\nrec.dat 212\nrec.dat 212\n");
    const RecordHeader h = read_header(dir / "rec");
    for (std::size_t n = 0; n < full.size(); ++n) {
      test::write_bytes(dir / "rec.dat",
                        test::Bytes(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n)));
      const bool ok = parses_or_reports([&] { read_signals(h, dir); });
      // Without a stated length, whole frames (every 3 bytes here) are valid shorter records.
      EXPECT_EQ(ok, length.empty() && n % 3 == 0) << "length '" << length << "', " << n << " bytes";
    }
  }
}

}  // namespace
}  // namespace hesplit::ecg
