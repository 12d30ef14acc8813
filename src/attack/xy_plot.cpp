#include "attack/xy_plot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "report/html_escape.hpp"
#include "report/svg_chart.hpp"

namespace hesplit::attack {

namespace {

constexpr double kLeft = 58, kRight = 14, kTop = 44, kBottom = 42;
constexpr std::size_t kMaxPoints = 500;

struct Range {
  double low, high;
};

Range range_of(const XyPlot& plot, bool x_axis) {
  if (plot.unit_square) return {0.0, 1.0};
  double low = std::numeric_limits<double>::infinity(), high = -low;
  for (const XySeries& s : plot.series) {
    for (const double v : x_axis ? s.x : s.y) {
      if (!std::isfinite(v)) continue;
      low = std::min(low, v);
      high = std::max(high, v);
    }
  }
  if (!std::isfinite(low)) return {0.0, 1.0};
  if (high - low < 1e-12) return {low - 0.5, high + 0.5};
  const auto ticks = report::nice_ticks(low, high, 5);
  return {std::min(low, ticks.front()), std::max(high, ticks.back())};
}

std::string tick(double v) { return fmt::format("{:.3g}", v); }

}  // namespace

std::string xy_plot_svg(const XyPlot& plot) {
  const Range xr = range_of(plot, true), yr = range_of(plot, false);
  const double w = plot.width - kLeft - kRight, h = plot.height - kTop - kBottom;
  const auto px = [&](double x) { return kLeft + (x - xr.low) / (xr.high - xr.low) * w; };
  const auto py = [&](double y) { return kTop + h - (y - yr.low) / (yr.high - yr.low) * h; };
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} "
      "{1}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n<text x=\"{2}\" y=\"16\" font-size=\"13\" "
      "font-weight=\"bold\">{3}</text>\n",
      plot.width, plot.height, kLeft, report::html_escape(plot.title));
  svg += fmt::format(
      "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#888\"/>\n", kLeft,
      kTop, w, h);
  for (const double t : report::nice_ticks(xr.low, xr.high, 5)) {
    if (t < xr.low - 1e-12 || t > xr.high + 1e-12) continue;
    svg += fmt::format(
        "<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#eee\"/>"
        "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
        px(t), kTop, kTop + h, kTop + h + 14, tick(t));
  }
  for (const double t : report::nice_ticks(yr.low, yr.high, 5)) {
    if (t < yr.low - 1e-12 || t > yr.high + 1e-12) continue;
    svg += fmt::format(
        "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#eee\"/>"
        "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5}</text>\n",
        kLeft, kLeft + w, py(t), kLeft - 4, py(t) + 4, tick(t));
  }
  svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", kLeft + w / 2,
                     plot.height - 8, report::html_escape(plot.x_label));
  svg += fmt::format(
      "<text transform=\"translate(14 {}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
      kTop + h / 2, report::html_escape(plot.y_label));
  if (plot.unit_square) {
    svg += fmt::format(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#bbb\" stroke-dasharray=\"4 "
        "3\"/>\n",
        px(0), py(0), px(1), py(1));
  }
  double legend_x = kLeft;
  for (const XySeries& s : plot.series) {
    std::string points;
    const std::size_t n = std::min(s.x.size(), s.y.size());
    // At most ~kMaxPoints vertices per line (a ROC over 500,000 gradients has as many points):
    // every stride-th point plus the last; the page stays small and the curve looks the same.
    const std::size_t stride = std::max<std::size_t>(1, n / kMaxPoints);
    for (std::size_t i = 0; i < n; i = (i + stride < n || i + 1 == n) ? i + stride : n - 1) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      points += fmt::format("{:.1f},{:.1f} ", px(s.x[i]), py(s.y[i]));
    }
    svg += fmt::format(
        "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"1.6\"{} "
        "points=\"{}\"><title>{}</title></polyline>\n",
        s.color, s.dashed ? " stroke-dasharray=\"5 3\"" : "", points, report::html_escape(s.name));
    svg += fmt::format(
        "<rect x=\"{:.1f}\" y=\"26\" width=\"12\" height=\"3\" fill=\"{}\"/><text x=\"{:.1f}\" "
        "y=\"31\">{}</text>\n",
        legend_x, s.color, legend_x + 15, report::html_escape(s.name));
    legend_x += 24 + 6.2 * double(s.name.size());
  }
  return svg + "</svg>\n";
}

XySeries histogram_series(const std::string& name, const std::string& color,
                          const std::vector<double>& values, double low, double high, int bins) {
  std::vector<double> counts(std::size_t(bins), 0.0);
  for (const double v : values) {
    if (!std::isfinite(v)) continue;
    const double t = (v - low) / (high - low) * bins;
    counts[std::size_t(std::clamp(int(std::floor(t)), 0, bins - 1))] += 1;
  }
  XySeries s{name, color, {}, {}, false};
  const double width = (high - low) / bins;
  for (int b = 0; b < bins; ++b) {
    const double share = values.empty() ? 0.0 : counts[std::size_t(b)] / double(values.size());
    s.x.push_back(low + b * width);
    s.y.push_back(share);
    s.x.push_back(low + (b + 1) * width);
    s.y.push_back(share);
  }
  return s;
}

}  // namespace hesplit::attack
