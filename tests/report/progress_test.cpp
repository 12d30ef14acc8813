#include "report/progress.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <sstream>

namespace hesplit::report {
namespace {

using namespace std::chrono_literals;

// Time moves only when the test says so.
struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  ProgressClock function() {
    return [this] { return now; };
  }
};

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(ProgressTerminal, RedrawsOneLineWithRateEtaLossAndAccuracy) {
  FakeClock clock;
  std::ostringstream out;
  Progress progress("epoch 2/10", 10, out, /*is_terminal=*/true, clock.function());
  clock.now += 3s;
  progress.update(2, 12, 0.5, 0.75);  // 3 of 10 batches after 3 s: 7 s left
  const std::string line = out.str();
  EXPECT_EQ(line.front(), '\r');
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find("epoch 2/10"), std::string::npos) << line;
  EXPECT_NE(line.find("[=======>"), std::string::npos) << line;  // 3/10 of 24 columns
  EXPECT_NE(line.find("batch 3/10"), std::string::npos) << line;
  EXPECT_NE(line.find("4.0 samples/s"), std::string::npos) << line;
  EXPECT_NE(line.find("ETA 0:07"), std::string::npos) << line;
  EXPECT_NE(line.find("loss 0.5000"), std::string::npos) << line;
  EXPECT_NE(line.find("acc 75.00%"), std::string::npos) << line;
  EXPECT_NE(line.find("\x1b[K"), std::string::npos);  // clears leftovers of longer lines
}

TEST(ProgressTerminal, AtMostTenRedrawsPerSecondButTheLastBatchAlwaysShows) {
  FakeClock clock;
  std::ostringstream out;
  Progress progress("epoch 1/1", 1000, out, true, clock.function());
  for (std::size_t b = 0; b < 1000; ++b) {
    clock.now += 1ms;
    progress.update(b, 4 * (b + 1), 0.3, 0.9);
  }
  // Draws at 1 ms, 101 ms, ..., 901 ms (10), plus the last batch at 1000 ms.
  EXPECT_EQ(count(out.str(), "\r"), 11u);
  const std::string last = out.str().substr(out.str().rfind('\r'));
  EXPECT_NE(last.find("batch 1000/1000"), std::string::npos) << last;
  EXPECT_NE(last.find("ETA 0:00"), std::string::npos) << last;
  EXPECT_NE(last.find("4000 samples/s"), std::string::npos) << last;
}

TEST(ProgressTerminal, FinishEndsTheLineOnceWithTheSuffix) {
  FakeClock clock;
  std::ostringstream out;
  {
    Progress progress("epoch 1/3", 4, out, true, clock.function());
    for (std::size_t b = 0; b < 4; ++b) {
      clock.now += 500ms;
      progress.update(b, 16 * (b + 1), 0.4, 0.8);
    }
    clock.now += 5s;  // evaluating the test set is not training time
    progress.finish(64, 0.35, 0.8125, "test acc 79.00%");
    progress.finish(64, 0.35, 0.8125, "again");  // ignored
  }                                              // no extra newline from the destructor
  const std::string text = out.str();
  EXPECT_EQ(count(text, "\n"), 1u);
  EXPECT_EQ(text.back(), '\n');
  const std::string final_line = text.substr(text.rfind('\r') + 1);
  EXPECT_NE(final_line.find("epoch 1/3: 4 batches, 64 samples in 2.00 s (32.0 samples/s)"),
            std::string::npos)
      << final_line;
  EXPECT_NE(final_line.find("loss 0.3500  acc 81.25%  test acc 79.00%"), std::string::npos)
      << final_line;
  EXPECT_EQ(text.find("again"), std::string::npos);
}

TEST(ProgressTerminal, AbandonedLineIsEndedByTheDestructor) {
  FakeClock clock;
  std::ostringstream out;
  {
    Progress progress("epoch 1/1", 10, out, true, clock.function());
    progress.update(0, 4, 1.0, 0.25);
  }
  EXPECT_EQ(out.str().back(), '\n');
}

std::string visible_line(const std::string& text) {
  const auto start = text.rfind('\r') + 1;
  return text.substr(start, text.find("\x1b[K", start) - start);
}

TEST(ProgressTerminal, BarShrinksToFitTheTerminal) {
  FakeClock clock;
  std::ostringstream out;
  ProgressOptions options;
  options.line_width = 100;
  Progress progress("epoch 1/10", 3312, out, true, clock.function(), options);
  clock.now += 1s;
  progress.update(1655, 6624, 0.25, 0.9);
  const std::string line = visible_line(out.str());
  // 77 columns of figures leave 19 for the bar; the last column stays free.
  EXPECT_EQ(line.size(), 99u) << line;
  EXPECT_NE(line.find("[=========>         ]"), std::string::npos) << line;
  EXPECT_NE(line.find("acc 90.00%"), std::string::npos) << line;
}

TEST(ProgressTerminal, SingleSpacesKeepABarOnMediumTerminals) {
  FakeClock clock;
  std::ostringstream out;
  ProgressOptions options;
  options.line_width = 86;
  Progress progress("epoch 1/10", 3312, out, true, clock.function(), options);
  clock.now += 1s;
  progress.update(1655, 6624, 0.25, 0.9);
  const std::string line = visible_line(out.str());
  EXPECT_EQ(line,
            "epoch 1/10 [====>    ] batch 1656/3312 6624 samples/s ETA 0:01 loss 0.2500 acc 90.00%")
      << line;
}

TEST(ProgressTerminal, NarrowTerminalDropsTheBarThenCuts) {
  FakeClock clock;
  std::ostringstream out;
  ProgressOptions options;
  options.line_width = 74;
  Progress progress("epoch 10/10", 3312, out, true, clock.function(), options);
  clock.now += 1s;
  progress.update(99, 400, 0.25, 0.9);
  const std::string narrow = visible_line(out.str());
  EXPECT_EQ(narrow.find('['), std::string::npos) << narrow;
  EXPECT_NE(narrow.find("acc 90.00%"), std::string::npos) << narrow;  // single spaces fit
  EXPECT_EQ(narrow.size(), 72u);

  std::ostringstream tiny_out;
  options.line_width = 40;
  Progress tiny("a rather long label for this epoch", 10, tiny_out, true, clock.function(),
                options);
  tiny.update(0, 4, 1.0, 0.25);
  EXPECT_EQ(visible_line(tiny_out.str()).size(), 39u) << tiny_out.str();
}

TEST(ProgressTerminal, BreakLineLetsOtherOutputThroughAndRedrawsAtOnce) {
  FakeClock clock;
  std::ostringstream out;
  Progress progress("epoch 1/1", 100, out, true, clock.function());
  progress.update(0, 4, 1.0, 0.25);
  progress.break_line();
  out << "warning: something\n";
  clock.now += 1ms;  // well inside the rate limit
  progress.update(1, 8, 0.9, 0.25);
  EXPECT_EQ(count(out.str(), "\r"), 2u);
  EXPECT_NE(out.str().find("\x1b[K\nwarning: something\n\r"), std::string::npos) << out.str();
  progress.break_line();  // ends the redrawn line
  progress.break_line();  // nothing open: no empty line
  EXPECT_EQ(count(out.str(), "\n"), 3u);
}

TEST(ProgressTerminal, MovingHandsTheLineOver) {
  FakeClock clock;
  std::ostringstream first_out, second_out;
  std::optional<Progress> current;
  current.emplace(Progress("epoch 1/2", 10, first_out, true, clock.function()));
  current->update(0, 4, 1.0, 0.25);
  Progress moved = std::move(*current);
  current.reset();  // the moved-from object prints nothing
  EXPECT_EQ(count(first_out.str(), "\n"), 0u);
  moved = Progress("epoch 2/2", 10, second_out, true, clock.function());  // ends epoch 1's line
  EXPECT_EQ(count(first_out.str(), "\n"), 1u);
  moved.update(0, 4, 0.5, 0.5);
  EXPECT_NE(second_out.str().find("epoch 2/2"), std::string::npos);
}

TEST(ProgressTerminal, LongEtaUsesHours) {
  FakeClock clock;
  std::ostringstream out;
  Progress progress("epoch 1/10", 10001, out, true, clock.function());
  clock.now += 1s;
  progress.update(0, 4, 1.0, 0.25);  // 10,000 batches left at 1 s each
  EXPECT_NE(out.str().find("ETA 2:46:40"), std::string::npos) << out.str();
}

TEST(ProgressPlain, OneLineEveryTenthAndAFinalLine) {
  FakeClock clock;
  std::ostringstream out;
  Progress progress("epoch 3/10", 100, out, /*is_terminal=*/false, clock.function());
  for (std::size_t b = 0; b < 100; ++b) {
    clock.now += 100ms;
    progress.update(b, 4 * (b + 1), 0.2, 0.9);
  }
  progress.finish(400, 0.2, 0.9);
  const auto lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 10u) << out.str();  // 10%, ..., 90%, then the final line
  EXPECT_EQ(out.str().find('\r'), std::string::npos);
  EXPECT_EQ(out.str().find('\x1b'), std::string::npos);
  EXPECT_EQ(lines[0].rfind("epoch 3/10: batch 10/100 (10%)", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find("40.0 samples/s"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("ETA 0:09"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[8].rfind("epoch 3/10: batch 90/100 (90%)", 0), 0u) << lines[8];
  EXPECT_EQ(lines[9].rfind("epoch 3/10: 100 batches, 400 samples in 10.0 s", 0), 0u) << lines[9];
}

TEST(ProgressPlain, SlowEpochsAlsoLogEveryThirtySeconds) {
  FakeClock clock;
  std::ostringstream out;
  Progress progress("epoch 1/1", 1000, out, false, clock.function());
  for (std::size_t b = 0; b < 100; ++b) {
    clock.now += 1s;
    progress.update(b, b + 1, 0.2, 0.9);
  }
  // Heartbeats at 30, 60 and 90 s, the 10% milestone at batch 100.
  const auto lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 4u) << out.str();
  EXPECT_EQ(lines[0].rfind("epoch 1/1: batch 30/1000 (3%)", 0), 0u) << lines[0];
  EXPECT_EQ(lines[3].rfind("epoch 1/1: batch 100/1000 (10%)", 0), 0u) << lines[3];
  EXPECT_NE(lines[3].find("ETA 15:00"), std::string::npos) << lines[3];
}

TEST(ProgressPlain, UnknownTotalLogsByTimeOnly) {
  FakeClock clock;
  std::ostringstream out;
  Progress progress("epoch 1/1", 0, out, false, clock.function());
  for (std::size_t b = 0; b < 61; ++b) {
    clock.now += 1s;
    progress.update(b, b + 1, 0.2, 0.9);
  }
  const auto lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 2u) << out.str();
  EXPECT_EQ(lines[0].rfind("epoch 1/1: batch 30  ", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find("ETA ?"), std::string::npos) << lines[0];
}

TEST(ProgressPlain, TinyEpochsStillGetTheirFinalLine) {
  FakeClock clock;
  std::ostringstream out;
  Progress progress("epoch 1/1", 1, out, false, clock.function());
  progress.update(0, 4, 0.7, 0.5);
  progress.finish(4, 0.7, 0.5);
  EXPECT_EQ(lines_of(out.str()).size(), 1u) << out.str();
}

}  // namespace
}  // namespace hesplit::report
