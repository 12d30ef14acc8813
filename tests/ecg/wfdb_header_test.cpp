// WFDB header parsing: fields, documented defaults, and clear errors.
#include "ecg/wfdb_header.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ecg/wfdb_error.hpp"
#include "test_data.hpp"
#include "wfdb_fixtures.hpp"

namespace hesplit::ecg {
namespace {

using ::testing::HasSubstr;

std::string parse_error(const std::string& text) {
  try {
    parse_header(text, "x.hea");
  } catch (const WfdbError& e) {
    return e.what();
  }
  return "no error";
}

TEST(WfdbHeader, ReadsEveryFieldOfAFullHeader) {
  const RecordHeader h = parse_header(
      "# leading comment\r\n"
      "rec 3 500/1000(25) 1200 10:11:12 01/02/2003\r\n"
      "rec.dat 212 400(-12)/uV 11 1024 1000 -22131 0 lead MLII with spaces\r\n"
      "rec.dat 212 200 11 1024 995 20052 0 V5\n"
      "other.dat 16+24 0.5/mmHg 16 7 8 9 512 ABP\n"
      "# 69 M 1085 1629 x1\n",
      "rec.hea");
  EXPECT_EQ(h.name, "rec");
  EXPECT_DOUBLE_EQ(h.sampling_frequency, 500);
  EXPECT_DOUBLE_EQ(h.counter_frequency, 1000);
  EXPECT_DOUBLE_EQ(h.base_counter, 25);
  EXPECT_EQ(h.samples_per_signal, 1200u);
  EXPECT_EQ(h.base_time, "10:11:12");
  EXPECT_EQ(h.base_date, "01/02/2003");
  ASSERT_EQ(h.signals.size(), 3u);
  const SignalSpec& a = h.signals[0];
  EXPECT_EQ(a.file_name, "rec.dat");
  EXPECT_EQ(a.format, 212);
  EXPECT_DOUBLE_EQ(a.gain, 400);
  EXPECT_EQ(a.baseline, -12);
  EXPECT_EQ(a.units, "uV");
  EXPECT_EQ(a.adc_resolution, 11);
  EXPECT_EQ(a.adc_zero, 1024);
  EXPECT_EQ(a.initial_value, 1000);
  EXPECT_EQ(a.checksum, -22131);
  EXPECT_EQ(a.block_size, 0);
  EXPECT_EQ(a.description, "lead MLII with spaces");
  // No baseline given: it equals the ADC zero.
  EXPECT_EQ(h.signals[1].baseline, 1024);
  EXPECT_EQ(h.signals[1].units, "mV");
  const SignalSpec& c = h.signals[2];
  EXPECT_EQ(c.format, 16);
  EXPECT_EQ(c.byte_offset, 24u);
  EXPECT_DOUBLE_EQ(c.gain, 0.5);
  EXPECT_EQ(c.units, "mmHg");
  EXPECT_EQ(c.baseline, 7);
  EXPECT_EQ(c.block_size, 512);
  EXPECT_EQ(h.comments, (std::vector<std::string>{" leading comment", " 69 M 1085 1629 x1"}));
  EXPECT_EQ(h.find_signal("V5"), 1u);
  EXPECT_EQ(h.find_signal("MLII"), std::nullopt);
  EXPECT_DOUBLE_EQ(a.to_physical(388), 1.0);
}

TEST(WfdbHeader, AppliesTheSpecificationDefaults) {
  const RecordHeader h = parse_header("r 2\nr.dat 16\nr.dat 16 0\n", "r.hea");
  EXPECT_DOUBLE_EQ(h.sampling_frequency, 250);  // default frequency
  EXPECT_EQ(h.samples_per_signal, 0u);          // unknown: taken from the file
  for (const SignalSpec& s : h.signals) {
    EXPECT_DOUBLE_EQ(s.gain, 200);  // missing or 0: the default gain
    EXPECT_FALSE(s.gain_given);
    EXPECT_EQ(s.baseline, 0);
    EXPECT_EQ(s.adc_zero, 0);
    EXPECT_EQ(s.initial_value, 0);
    EXPECT_EQ(s.adc_resolution, 12);
    EXPECT_EQ(s.units, "mV");
    EXPECT_FALSE(s.checksum.has_value());
  }
  EXPECT_EQ(h.signals[1].description, "record r, signal 1");
}

TEST(WfdbHeader, RejectsUnsupportedFormatsClearly) {
  EXPECT_THAT(
      parse_error("r 1\nr.dat 310 200\n"),
      HasSubstr("x.hea: line 2: signal format 310 is not supported (supported: 212 and 16)"));
  EXPECT_THAT(parse_error("r 1\nr.dat 80\n"), HasSubstr("format 80 is not supported"));
  EXPECT_THAT(parse_error("r 1\nr.dat 212x2\n"), HasSubstr("more than one sample per frame"));
  EXPECT_THAT(parse_error("r 1\nr.dat 212:3\n"), HasSubstr("skew is not supported"));
  EXPECT_THAT(parse_error("r/2 2 360\n"), HasSubstr("multi-segment records"));
}

TEST(WfdbHeader, ReportsMalformedFieldsWithTheirLine) {
  EXPECT_THAT(parse_error("r 1 360\nr.dat 212 abc\n"),
              HasSubstr("line 2: ADC gain 'abc' is not a valid number"));
  EXPECT_THAT(parse_error("r x\n"), HasSubstr("line 1: number of signals 'x'"));
  EXPECT_THAT(parse_error("r 1 -5\nr.dat 16\n"), HasSubstr("sampling frequency must be positive"));
  EXPECT_THAT(parse_error("r 1 360 12q\nr.dat 16\n"), HasSubstr("number of samples per signal"));
  EXPECT_THAT(parse_error("r 1\nr.dat 16 200(3\n"), HasSubstr("baseline lacks its closing"));
  EXPECT_THAT(parse_error("r 1\nr.dat 16 -200\n"), HasSubstr("must not be negative"));
}

TEST(WfdbHeader, ChecksSignalLineCount) {
  EXPECT_THAT(parse_error("r 2 360\nr.dat 16\n"),
              HasSubstr("announces 2 signals but only 1 signal lines follow"));
  EXPECT_THAT(parse_error("r 1 360\nr.dat 16\nr.dat 16\n"),
              HasSubstr("line 3: more signal lines than the 1 announced"));
  EXPECT_THAT(parse_error("# only a comment\n"), HasSubstr("no record line"));
  EXPECT_THAT(parse_error("r 100000\n"), HasSubstr("exceeds the limit"));
}

TEST(WfdbHeader, SignalsSharingAFileMustAgree) {
  EXPECT_THAT(parse_error("r 2\nr.dat 16\nr.dat 212\n"), HasSubstr("differ in format"));
  EXPECT_THAT(parse_error("r 3\na.dat 16\nb.dat 16\na.dat 16\n"), HasSubstr("are not consecutive"));
}

TEST(WfdbHeader, BinaryGarbageIsNotAHeader) {
  EXPECT_THAT(parse_error(std::string("r 1\n\0\x01\x02", 7)), HasSubstr("NUL byte"));
}

TEST(WfdbHeader, MissingFileIsNamed) {
  const auto dir = test::scratch_dir("wfdb_header_missing");
  try {
    read_header(dir / "nope");
    FAIL() << "no error";
  } catch (const WfdbError& e) {
    EXPECT_THAT(e.what(), HasSubstr("nope.hea"));
  }
}

}  // namespace
}  // namespace hesplit::ecg
