#pragma once
// Scatter-free line plots with a continuous x axis (ROC curves, beats, histograms) as inline SVG
// for the privacy report; the epoch charts of src/report only take integer x positions. Ticks
// come from report::nice_ticks, text goes through report::html_escape.
#include <string>
#include <vector>

namespace hesplit::attack {

struct XySeries {
  std::string name;   // legend (escaped here)
  std::string color;  // CSS colour literal chosen by our code
  std::vector<double> x, y;
  bool dashed = false;
};

struct XyPlot {
  std::string title, x_label, y_label;
  std::vector<XySeries> series;
  bool unit_square = false;  // ROC: both axes [0, 1] and the chance diagonal
  int width = 440, height = 300;
};

std::string xy_plot_svg(const XyPlot& plot);

// Histogram as a step line: counts of `values` in `bins` equal bins over [low, high].
XySeries histogram_series(const std::string& name, const std::string& color,
                          const std::vector<double>& values, double low, double high, int bins);

}  // namespace hesplit::attack
