// Signal files in formats 212 and 16: decoding, checksums, and every way a file can disagree
// with its header.
#include "ecg/wfdb_signals.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ecg/wfdb_error.hpp"
#include "ecg/wfdb_record.hpp"
#include "test_data.hpp"
#include "wfdb_fixtures.hpp"

namespace hesplit::ecg {
namespace {

using ::testing::HasSubstr;

// Two signals covering the 12-bit range and both signs, interleaved frame by frame.
const std::vector<std::int32_t> kA = {0, 1, -1, 2047, -2048, 995, -300, 7};
const std::vector<std::int32_t> kB = {-5, 1011, 12, -2048, 2047, 0, 300, -7};

std::vector<std::int32_t> interleave(const std::vector<std::int32_t>& a,
                                     const std::vector<std::int32_t>& b) {
  std::vector<std::int32_t> out;
  for (std::size_t i = 0; i < a.size(); ++i) {
    out.push_back(a[i]);
    out.push_back(b[i]);
  }
  return out;
}

std::string two_signal_header(const std::string& format, std::size_t samples, std::int32_t sum_a,
                              std::int32_t sum_b) {
  return "rec 2 360 " + std::to_string(samples) + "\n" + "rec.dat " + format + " 200 12 0 0 " +
         std::to_string(sum_a) + " 0 MLII\n" + "rec.dat " + format + " 200 12 0 0 " +
         std::to_string(sum_b) + " 0 V5\n";
}

std::string read_error(const std::filesystem::path& dir) {
  try {
    const RecordHeader h = read_header(dir / "rec");
    const RecordSignals s = read_signals(h, dir);
    require_checksums(h, s, dir);
  } catch (const WfdbError& e) {
    return e.what();
  }
  return "no error";
}

TEST(WfdbSignals, Decodes212) {
  const auto dir = test::scratch_dir("signals_212");
  test::write_text(dir / "rec.hea",
                   two_signal_header("212", kA.size(), test::checksum(kA), test::checksum(kB)));
  test::write_bytes(dir / "rec.dat", test::pack212(interleave(kA, kB)));
  const RecordHeader h = read_header(dir / "rec");
  const RecordSignals s = read_signals(h, dir);
  EXPECT_EQ(s.samples_per_signal, kA.size());
  EXPECT_EQ(s.samples[0], kA);
  EXPECT_EQ(s.samples[1], kB);
  EXPECT_TRUE(s.checksum_ok(h, 0));
  EXPECT_TRUE(s.checksum_ok(h, 1));
}

TEST(WfdbSignals, KnownBytesOf212) {
  // 0x123 and 0x456 pack to 23 41 56 (low byte of the first; high nibbles; low byte of second).
  const auto dir = test::scratch_dir("signals_212_bytes");
  test::write_text(dir / "rec.hea", "rec 2 360 1\nrec.dat 212\nrec.dat 212\n");
  test::write_bytes(dir / "rec.dat", {0x23, 0x41, 0x56});
  const RecordSignals s = read_signals(read_header(dir / "rec"), dir);
  EXPECT_EQ(s.samples[0], std::vector<std::int32_t>{0x123});
  EXPECT_EQ(s.samples[1], std::vector<std::int32_t>{0x456});
}

TEST(WfdbSignals, Decodes16AtAByteOffset) {
  const auto dir = test::scratch_dir("signals_16");
  const std::vector<std::int32_t> a = {0, -32768, 32767, 12345, -1};
  test::write_text(dir / "rec.hea", "rec 1 250 5\nrec.dat 16+4 100 16 0 0 " +
                                        std::to_string(test::checksum(a)) + " 0 ABP\n");
  test::Bytes bytes = {9, 9, 9, 9};
  const auto packed = test::pack16(a);
  bytes.insert(bytes.end(), packed.begin(), packed.end());
  test::write_bytes(dir / "rec.dat", bytes);
  const RecordHeader h = read_header(dir / "rec");
  const RecordSignals s = read_signals(h, dir);
  EXPECT_EQ(s.samples[0], a);
  EXPECT_TRUE(s.checksum_ok(h, 0));
}

TEST(WfdbSignals, OddSampleCountIn212) {
  // Three signals in one 212 file: frames straddle byte boundaries; 3 x 3 = 9 samples end odd.
  const auto dir = test::scratch_dir("signals_212_odd");
  const std::vector<std::int32_t> all = {1, 2, 3, -4, -5, -6, 700, 800, 900};
  test::write_text(dir / "rec.hea", "rec 3 360 3\nrec.dat 212\nrec.dat 212\nrec.dat 212\n");
  test::write_bytes(dir / "rec.dat", test::pack212(all));
  const RecordSignals s = read_signals(read_header(dir / "rec"), dir);
  EXPECT_EQ(s.samples[0], (std::vector<std::int32_t>{1, -4, 700}));
  EXPECT_EQ(s.samples[2], (std::vector<std::int32_t>{3, -6, 900}));
}

TEST(WfdbSignals, LengthFromTheFileWhenTheHeaderHasNone) {
  const auto dir = test::scratch_dir("signals_no_length");
  test::write_text(dir / "rec.hea", "rec 2 360\nrec.dat 212\nrec.dat 212\n");
  test::write_bytes(dir / "rec.dat", test::pack212(interleave(kA, kB)));
  const RecordSignals s = read_signals(read_header(dir / "rec"), dir);
  EXPECT_EQ(s.samples_per_signal, kA.size());
  EXPECT_EQ(s.samples[1], kB);
}

TEST(WfdbSignals, SeparateFilesPerSignal) {
  const auto dir = test::scratch_dir("signals_two_files");
  test::write_text(dir / "rec.hea", "rec 2 360 8\na.dat 212\nb.dat 16\n");
  test::write_bytes(dir / "a.dat", test::pack212(kA));
  test::write_bytes(dir / "b.dat", test::pack16(kB));
  const RecordSignals s = read_signals(read_header(dir / "rec"), dir);
  EXPECT_EQ(s.samples[0], kA);
  EXPECT_EQ(s.samples[1], kB);
}

TEST(WfdbSignals, TruncatedFileNamesTheByteOffset) {
  const auto dir = test::scratch_dir("signals_truncated");
  test::write_text(dir / "rec.hea", two_signal_header("212", kA.size(), 0, 0));
  auto bytes = test::pack212(interleave(kA, kB));  // 24 bytes
  bytes.resize(20);
  test::write_bytes(dir / "rec.dat", bytes);
  const std::string message = read_error(dir);
  EXPECT_THAT(message, HasSubstr("rec.dat: byte offset 20: truncated"));
  EXPECT_THAT(message, HasSubstr("need 24 bytes"));
}

TEST(WfdbSignals, HeaderUnderstatingTheSamplesIsAnError) {
  const auto dir = test::scratch_dir("signals_header_short");
  test::write_text(dir / "rec.hea", two_signal_header("212", 6, 0, 0));
  test::write_bytes(dir / "rec.dat", test::pack212(interleave(kA, kB)));
  EXPECT_THAT(read_error(dir), HasSubstr("rec.dat: byte offset 18: 6 bytes follow the last of the "
                                         "header's 6 samples"));
}

TEST(WfdbSignals, AbsurdSampleCountIsCaughtBeforeAllocating) {
  const auto dir = test::scratch_dir("signals_absurd");
  test::write_text(dir / "rec.hea", two_signal_header("16", 4000000000000000000ULL, 0, 0));
  test::write_bytes(dir / "rec.dat", test::pack16(interleave(kA, kB)));
  EXPECT_THAT(read_error(dir), HasSubstr("truncated"));
}

TEST(WfdbSignals, PartialFrameWithoutLengthIsAnError) {
  const auto dir = test::scratch_dir("signals_partial");
  test::write_text(dir / "rec.hea", "rec 2 360\nrec.dat 16\nrec.dat 16\n");
  test::write_bytes(dir / "rec.dat", {1, 0, 2, 0, 3, 0});
  EXPECT_THAT(read_error(dir), HasSubstr("byte offset 4: the file does not end on a whole frame"));
}

TEST(WfdbSignals, ByteOffsetBeyondTheFile) {
  const auto dir = test::scratch_dir("signals_offset");
  test::write_text(dir / "rec.hea", "rec 1 360 1\nrec.dat 16+100\n");
  test::write_bytes(dir / "rec.dat", {1, 0});
  EXPECT_THAT(read_error(dir), HasSubstr("file ends before the header's byte offset 100"));
}

TEST(WfdbSignals, ChecksumMismatchIsReported) {
  const auto dir = test::scratch_dir("signals_checksum");
  test::write_text(dir / "rec.hea",
                   two_signal_header("212", kA.size(), test::checksum(kA), test::checksum(kB) + 1));
  test::write_bytes(dir / "rec.dat", test::pack212(interleave(kA, kB)));
  const RecordHeader h = read_header(dir / "rec");
  const RecordSignals s = read_signals(h, dir);
  EXPECT_TRUE(s.checksum_ok(h, 0));
  EXPECT_FALSE(s.checksum_ok(h, 1));
  EXPECT_THAT(read_error(dir), HasSubstr("rec.dat: signal 1 (V5): samples sum to checksum"));
}

TEST(WfdbSignals, MissingSignalFileIsNamed) {
  const auto dir = test::scratch_dir("signals_missing");
  test::write_text(dir / "rec.hea", "rec 1 360 1\nrec.dat 16\n");
  EXPECT_THAT(read_error(dir), HasSubstr("rec.dat: cannot read signal file"));
}

TEST(WfdbRecord, MissingHeaderAndAnnotationsAreNamed) {
  const auto dir = test::scratch_dir("record_missing");
  EXPECT_THROW(read_record(dir / "rec"), WfdbError);
  test::write_text(dir / "rec.hea", "rec 1 360 1\nrec.dat 16\n");
  test::write_bytes(dir / "rec.dat", {1, 0});
  const WfdbRecord r = read_record(dir / "rec.hea");
  EXPECT_EQ(r.name, "rec");
  EXPECT_FALSE(r.annotations.has_value());
  try {
    read_record(dir / "rec", "atr", true);
    FAIL() << "no error";
  } catch (const WfdbError& e) {
    EXPECT_THAT(e.what(), HasSubstr("rec.atr: no such annotation file"));
  }
}

}  // namespace
}  // namespace hesplit::ecg
