#include "report/svg_chart.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace hesplit::report {
namespace {

TEST(NiceTicks, RoundStepsCoveringTheRange) {
  EXPECT_EQ(nice_ticks(0.0, 1.0, 5), (std::vector<double>{0.0, 0.2, 0.4, 0.6, 0.8, 1.0}));
  const auto t = nice_ticks(0.87, 0.94, 5);
  ASSERT_GE(t.size(), 2u);
  EXPECT_LE(t.front(), 0.87);
  EXPECT_GE(t.back(), 0.94);
  EXPECT_NEAR(t[1] - t[0], 0.01, 1e-12);  // 0.07 / 5 = 0.014 rounds to 0.01
  EXPECT_EQ(t.front(), 0.87);
  const auto big = nice_ticks(0.0, 3.1e8, 5);
  EXPECT_NEAR(big[1] - big[0], 5e7, 1.0);
}

TEST(NiceTicks, DegenerateRangeStillGivesAnAxis) {
  const auto t = nice_ticks(2.0, 2.0, 5);
  EXPECT_GE(t.size(), 2u);
}

ChartSpec spec_with(std::vector<double> values) {
  ChartSpec spec;
  spec.title = std::string("T");
  spec.y_label = std::string("y");
  for (std::size_t i = 0; i < values.size(); ++i) spec.x_values.push_back(static_cast<int>(i) + 1);
  spec.series.push_back({"s", "#000000", std::move(values)});
  return spec;
}

TEST(LineChart, OneMarkerPerFiniteValueAndGapsForMissing) {
  const std::string svg = line_chart_svg(spec_with({0.5, std::nan(""), 0.3, 0.2}));
  std::size_t circles = 0;
  for (std::size_t at = svg.find("<circle"); at != std::string::npos;
       at = svg.find("<circle", at + 1)) {
    ++circles;
  }
  EXPECT_EQ(circles, 3u);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("inf"), std::string::npos);
  // The path restarts (a second "M") after the gap.
  const auto d = svg.find("<path d=\"");
  ASSERT_NE(d, std::string::npos);
  const std::string path = svg.substr(d, svg.find('"', d + 9) - d);
  EXPECT_EQ(std::count(path.begin(), path.end(), 'M'), 2) << path;
}

TEST(LineChart, AccuracyAxisNeverPassesOne) {
  ChartSpec spec = spec_with({0.99, 1.0});
  spec.y_min_limit = 0.0;
  spec.y_max_limit = 1.0;
  spec.format_value = [](double v) { return std::to_string(v); };
  const std::string svg = line_chart_svg(spec);
  EXPECT_EQ(svg.find("1.01"), std::string::npos);
  EXPECT_EQ(svg.find("1.02"), std::string::npos);
}

TEST(BarChart, OneRectPerValuePlusFrameAndLegend) {
  const std::string svg = bar_chart_svg(spec_with({3.0, 4.0, 5.0}));
  std::size_t rects = 0;
  for (std::size_t at = svg.find("<rect"); at != std::string::npos;
       at = svg.find("<rect", at + 1)) {
    ++rects;
  }
  EXPECT_EQ(rects, 3u + 2u);  // bars, background frame, legend swatch
}

TEST(Charts, EmptyDataSaysSo) {
  EXPECT_NE(line_chart_svg(spec_with({})).find("no data"), std::string::npos);
  EXPECT_NE(bar_chart_svg(spec_with({std::nan("")})).find("no data"), std::string::npos);
}

}  // namespace
}  // namespace hesplit::report

namespace hesplit::report {
namespace {

TEST(LineChart, PaddingNeverPushesANonNegativeSeriesBelowZero) {
  ChartSeries loss{"loss", "#000000", {2.0, 1.0, 0.5, 0.2, 0.02}};
  ChartSpec spec;
  spec.x_values = {1, 2, 3, 4, 5};
  spec.series = {loss};
  const std::string svg = line_chart_svg(spec);
  EXPECT_EQ(svg.find(">-"), std::string::npos) << "negative tick label";
  EXPECT_NE(svg.find(">0</text>"), std::string::npos);
}

}  // namespace
}  // namespace hesplit::report
