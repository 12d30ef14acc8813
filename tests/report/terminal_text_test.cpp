// terminal_safe: what reaches a terminal from a file is printable text or a visible escape.
#include "report/terminal_text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace hesplit::report {
namespace {

TEST(TerminalSafe, PrintableTextAndValidUtf8AreKept) {
  EXPECT_EQ(terminal_safe("MLII, lead V5: 0.5 mV"), "MLII, lead V5: 0.5 mV");
  EXPECT_EQ(terminal_safe("\xc2\xb5V \xe2\x82\xac \xf0\x9f\x92\x93"),
            "\xc2\xb5V \xe2\x82\xac \xf0\x9f\x92\x93");
}

TEST(TerminalSafe, ControlsBecomeVisibleEscapes) {
  EXPECT_EQ(terminal_safe("\x1b]0;pwned\x07"), "\\x1b]0;pwned\\x07");
  EXPECT_EQ(terminal_safe("a\tb\nc\rd"), "a\\tb\\nc\\rd");
  EXPECT_EQ(terminal_safe(std::string("nul\0del\x7f", 8)), "nul\\x00del\\x7f");
  EXPECT_EQ(terminal_safe("back\\slash"), "back\\\\slash");  // an escape always means a byte
  EXPECT_EQ(terminal_safe("\xc2\x9b"
                          "2J"),
            "\\u009b2J");  // C1 CSI
  EXPECT_EQ(terminal_safe("\xe2\x80\xae"
                          "evil"),
            "\\u202eevil");  // right-to-left override
  EXPECT_EQ(terminal_safe("\xe2\x81\xa6x\xe2\x81\xa9"), "\\u2066x\\u2069");  // isolates
}

TEST(TerminalSafe, BytesThatAreNotUtf8AreEscapedOneByOne) {
  EXPECT_EQ(terminal_safe("\xff"), "\\xff");
  EXPECT_EQ(terminal_safe("\x80"), "\\x80");                             // stray continuation byte
  EXPECT_EQ(terminal_safe("\xc0\x9b"), "\\xc0\\x9b");                    // overlong ESC-like form
  EXPECT_EQ(terminal_safe("\xe0\x80\x9b"), "\\xe0\\x80\\x9b");           // overlong three-byte form
  EXPECT_EQ(terminal_safe("\xed\xa0\x80"), "\\xed\\xa0\\x80");           // UTF-16 surrogate
  EXPECT_EQ(terminal_safe("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // beyond U+10FFFF
  EXPECT_EQ(terminal_safe("\xe2\x82"), "\\xe2\\x82");                    // truncated at the end
  EXPECT_EQ(terminal_safe("\xc3"
                          "A"),
            "\\xc3A");  // lead byte without continuation
}

}  // namespace
}  // namespace hesplit::report
