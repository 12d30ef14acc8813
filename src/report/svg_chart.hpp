#pragma once
// Small SVG charts drawn by hand for report.html: line charts (one value per epoch, several series)
// and grouped bar charts. The output is an inline <svg> element: no scripts, no external
// resources; hovering a point or bar shows its value through an SVG <title>.
#include <functional>
#include <string>
#include <vector>

namespace hesplit::report {

struct ChartSeries {
  std::string name;            // legend text (escaped by the chart)
  std::string color;           // a CSS colour literal chosen by our code, e.g. "#0072b2"
  std::vector<double> values;  // one per x position; NaN or infinity leaves a gap
};

struct ChartSpec {
  std::string title;          // shown above the plot
  std::string y_label;        // shown along the y axis
  std::vector<int> x_values;  // the epochs
  std::vector<ChartSeries> series;
  std::function<std::string(double)> format_value{};  // tooltips (and ticks unless format_tick)
  std::function<std::string(double)> format_tick{};   // y-axis tick labels, shorter if wanted
  double y_min_limit = -1e300;  // the axis never extends below / above these (accuracy: 0, 1)
  double y_max_limit = 1e300;
  bool y_from_zero = false;  // bars, and quantities where the zero matters
  int width = 540;
  int height = 300;
};

// Epoch-by-epoch curves with markers.
std::string line_chart_svg(const ChartSpec& spec);
// One group of bars per epoch, one bar per series; the y axis starts at zero.
std::string bar_chart_svg(const ChartSpec& spec);

// Round tick positions covering [low, high] (about `target` of them, steps of 1, 2 or 5 x 10^k).
std::vector<double> nice_ticks(double low, double high, int target);

}  // namespace hesplit::report
