// `hesplit inspect` on a record whose header carries terminal escape sequences (issue 20): the real
// process must print them as visible escapes, in text and in --json, never as raw control bytes.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "test_data.hpp"

namespace hesplit::test {
namespace {

// OSC "set window title" ended by BEL, and "erase display".
const std::string kTitle = "\x1b]0;pwned\x07";
const std::string kClear = "\x1b[2J";
// C1 CSI (U+009B) in UTF-8, a right-to-left override (U+202E) and two bytes that are no UTF-8.
const std::string kC1 =
    "\xc2\x9b"
    "31m";
const std::string kBidi = "\xe2\x80\xae";
const std::string kInvalid = "\xff\xc3";

// A one-signal format-16 record whose description, units, record name and annotation-free
// folder carry the sequences above.
fs::path hostile_record() {
  const fs::path dir = scratch_dir("hostile-header");
  std::ofstream(dir / "rec.hea", std::ios::binary)
      << "rec" << kClear << " 1 360 2\n"
      << "rec.dat 16 200(0)/mV" << kTitle << " 12 0 0 0 0 lead " << kTitle << kClear << kC1 << kBidi
      << kInvalid << " DEL\x7f end\n";
  std::ofstream(dir / "rec.dat", std::ios::binary) << std::string("\x01\x00\x02\x00", 4);
  return dir;
}

void expect_no_control_bytes(const std::string& out) {
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << "raw ESC reached stdout:\n" << out;
  EXPECT_EQ(out.find('\x07'), std::string::npos) << "raw BEL reached stdout";
  EXPECT_EQ(out.find('\x7f'), std::string::npos) << "raw DEL reached stdout";
  EXPECT_EQ(out.find("\xc2\x9b"), std::string::npos) << "raw C1 CSI reached stdout";
  EXPECT_EQ(out.find(kBidi), std::string::npos) << "raw bidi override reached stdout";
  EXPECT_EQ(out.find('\xff'), std::string::npos) << "an invalid UTF-8 byte reached stdout";
}

TEST(InspectEscapes, TextOutputShowsEscapesInsteadOfControlBytes) {
  const fs::path dir = hostile_record();
  Child inspect({"inspect", (dir / "rec").string()}, dir / "inspect-text");
  ASSERT_EQ(inspect.wait(), 0) << inspect.err();
  const std::string out = inspect.out();
  expect_no_control_bytes(out);
  EXPECT_NE(out.find("lead \\x1b]0;pwned\\x07\\x1b[2J\\u009b31m\\u202e\\xff\\xc3 DEL\\x7f end"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("adu/mV\\x1b]0;pwned\\x07"), std::string::npos) << out;
  EXPECT_NE(out.find("record rec\\x1b[2J"), std::string::npos) << out;
}

TEST(InspectEscapes, JsonOutputIsValidAndEscaped) {
  const fs::path dir = hostile_record();
  Child inspect({"inspect", "--json", (dir / "rec").string()}, dir / "inspect-json");
  ASSERT_EQ(inspect.wait(), 0) << inspect.err();
  const std::string out = inspect.out();
  expect_no_control_bytes(out);
  const nlohmann::json j = nlohmann::json::parse(out);  // throws on invalid JSON
  const std::string description = j["channels"][0]["description"];
  // Every valid character survives (as a \u escape in the text); the invalid bytes become U+FFFD.
  EXPECT_EQ(description,
            "lead " + kTitle + kClear + kC1 + kBidi + "\xef\xbf\xbd\xef\xbf\xbd DEL\x7f end");
  EXPECT_EQ(j["channels"][0]["units"], "mV" + kTitle);
}

// An error message quoting a header value goes through the same escaping on stderr.
TEST(InspectEscapes, ErrorMessagesQuotingTheHeaderAreEscaped) {
  const fs::path dir = scratch_dir("hostile-error");
  std::ofstream(dir / "rec.hea", std::ios::binary) << "rec 1 360" << kTitle << "\n";
  Child inspect({"inspect", (dir / "rec").string()}, dir / "inspect-error");
  EXPECT_EQ(inspect.wait(), 1);
  const std::string err = inspect.err();
  EXPECT_EQ(err.find('\x1b'), std::string::npos) << err;
  EXPECT_EQ(err.find('\x07'), std::string::npos) << err;
  EXPECT_NE(err.find("360\\x1b]0;pwned\\x07"), std::string::npos) << err;
}

}  // namespace
}  // namespace hesplit::test
