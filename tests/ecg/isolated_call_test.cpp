// isolated_call: a crash, a hang or an exception in the child becomes a clear error in the
// parent, which survives; results come back byte for byte.
#include "ecg/isolated_call.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <thread>
#include <vector>

namespace hesplit::ecg {
namespace {

using ::testing::HasSubstr;

std::string error_of(const std::function<std::string()>& work, const IsolationLimits& limits) {
  try {
    isolated_call(work, limits);
  } catch (const IsolatedWorkError& e) {
    return std::string("work: ") + e.what();
  } catch (const IsolatedCallError& e) {
    return std::string("call: ") + e.what();
  }
  return "(no error)";
}

TEST(IsolatedCall, ReturnsTheChildsBytes) {
  std::string big(3 << 20, '\0');  // larger than a pipe's buffer
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
  EXPECT_EQ(isolated_call([&big] { return big; }, {}), big);
}

TEST(IsolatedCall, AnExceptionKeepsItsMessage) {
  EXPECT_EQ(error_of([]() -> std::string { throw std::runtime_error("bad field x"); }, {}),
            "work: bad field x");
}

TEST(IsolatedCall, ACrashIsAnErrorHere) {
  const std::string e = error_of(
      []() -> std::string {
        std::raise(SIGSEGV);
        return "unreachable";
      },
      {});
  EXPECT_THAT(e, HasSubstr("call: crashed (signal 11"));
}

TEST(IsolatedCall, AHangIsStoppedAfterTheTimeout) {
  IsolationLimits limits;
  limits.timeout = std::chrono::milliseconds(1500);
  const auto start = std::chrono::steady_clock::now();
  const std::string e = error_of(
      [] {
        std::this_thread::sleep_for(std::chrono::seconds(60));
        return std::string();
      },
      limits);
  EXPECT_THAT(e, HasSubstr("gave no answer within 1 s"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(IsolatedCall, OutputAboveTheLimitIsRefused) {
  IsolationLimits limits;
  limits.max_output_bytes = 1000;
  EXPECT_THAT(error_of([] { return std::string(5000, 'x'); }, limits),
              HasSubstr("produced more than 1000 bytes"));
}

// A parser told by a hostile file to allocate far more than the file could hold fails in the
// child; the same allocation within the budget succeeds.
TEST(IsolatedCall, AllocationsAboveTheMemoryCapFailInTheChild) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "the cap is not applied in sanitizer builds (shadow memory counts against it)";
#endif
  IsolationLimits limits;
  limits.max_memory_bytes = std::size_t{64} << 20;
  const auto allocate = [](std::size_t bytes) {
    return [bytes] {
      std::vector<char> buffer(bytes, 1);
      return std::string(buffer.begin(), buffer.begin() + 8);
    };
  };
  EXPECT_THAT(error_of(allocate(std::size_t{1} << 30), limits),
              HasSubstr("ran out of its memory budget"));
  EXPECT_EQ(isolated_call(allocate(std::size_t{16} << 20), limits), std::string(8, '\1'));
}

}  // namespace
}  // namespace hesplit::ecg
