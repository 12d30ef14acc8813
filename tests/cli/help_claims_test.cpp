// What `--help` promises (issue 20): `--flood` used to claim circuit privacy, which its noise
// (2^-20 over replies whose own error is ~2^-25.5) cannot give; the help now says what it is.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "child_process.hpp"
#include "test_data.hpp"

namespace hesplit::test {
namespace {

TEST(HelpClaims, FloodDoesNotClaimCircuitPrivacy) {
  const fs::path dir = scratch_dir("help_claims_" + std::to_string(::getpid()));
  for (const char* command : {"train", "client"}) {
    Child help({command, "--help"}, dir / command);
    ASSERT_EQ(help.wait(), 0) << help.err();
    const std::string text = help.out();
    ASSERT_NE(text.find("--flood"), std::string::npos) << text;
    EXPECT_EQ(text.find("(circuit privacy)"), std::string::npos) << text;
    EXPECT_NE(text.find("Not statistical circuit privacy"), std::string::npos) << text;
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace hesplit::test
