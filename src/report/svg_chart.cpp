// Hand-drawn SVG charts. Coordinates are computed here; every piece of text goes through
// html_escape, every colour comes from our own code.
#include "report/svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "report/html_escape.hpp"

namespace hesplit::report {
namespace {

// Space around the plot area for the title, legend and tick labels.
// The left margin grows with the widest tick label (see frame_for).
constexpr double kRight = 18, kTop = 54, kBottom = 46, kLegendLeft = 66;
constexpr double kCharWidth = 6.6;  // rough width of one 12px character, for laying out legends

struct Frame {
  double left, top, width, height;  // the plot area
  double y_low, y_high;             // data range of the y axis
  double y_of(double v) const { return top + height - (v - y_low) / (y_high - y_low) * height; }
};

std::string default_format(double v) { return fmt::format("{:g}", v); }

std::string format_value(const ChartSpec& spec, double v) {
  return spec.format_value ? spec.format_value(v) : default_format(v);
}

std::string format_tick(const ChartSpec& spec, double v) {
  return spec.format_tick ? spec.format_tick(v) : format_value(spec, v);
}

// Finite data range, widened where needed so that a flat series still gets an axis.
std::pair<double, double> data_range(const ChartSpec& spec) {
  double low = std::numeric_limits<double>::infinity(), high = -low;
  for (const auto& s : spec.series) {
    for (const double v : s.values) {
      if (!std::isfinite(v)) continue;
      low = std::min(low, v);
      high = std::max(high, v);
    }
  }
  if (!std::isfinite(low)) return {0.0, 1.0};
  const double data_low = low;
  if (spec.y_from_zero) {
    low = std::min(low, 0.0);
    high = std::max(high, 0.0);
  }
  if (high - low < 1e-12) {
    const double pad = std::max(std::abs(high) * 0.05, 1e-3);
    low -= spec.y_from_zero && low >= 0.0 ? 0.0 : pad;
    high += pad;
  } else {
    const double pad = (high - low) * 0.06;
    if (!(spec.y_from_zero && low == 0.0)) low -= pad;
    high += pad;
  }
  // Padding must not invent a sign the data never had (a loss axis reaching -0.5).
  if (data_low >= 0.0) low = std::max(low, 0.0);
  return {std::max(low, spec.y_min_limit), std::min(high, spec.y_max_limit)};
}

// Axis ends on round ticks, clamped to the limits; returns the frame and the ticks inside it.
std::pair<Frame, std::vector<double>> frame_for(const ChartSpec& spec) {
  const auto [low, high] = data_range(spec);
  std::vector<double> ticks = nice_ticks(low, high, 5);
  double axis_low = std::max(std::min(low, ticks.front()), spec.y_min_limit);
  double axis_high = std::min(std::max(high, ticks.back()), spec.y_max_limit);
  if (axis_high <= axis_low) axis_high = axis_low + 1.0;
  const double eps = (axis_high - axis_low) * 1e-9;
  std::erase_if(ticks, [&](double t) { return t < axis_low - eps || t > axis_high + eps; });
  std::size_t widest = 0;
  for (const double t : ticks) widest = std::max(widest, format_tick(spec, t).size());
  // Room for the rotated axis title (about 24 px), the labels, and a 6 px gap to the axis.
  const double left = std::max(56.0, 36.0 + 7.2 * static_cast<double>(widest));
  const Frame frame{left,     kTop,     spec.width - left - kRight, spec.height - kTop - kBottom,
                    axis_low, axis_high};
  return {frame, ticks};
}

std::string open_svg(const ChartSpec& spec) {
  std::string out = fmt::format(
      "<svg class=\"chart\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\" "
      "aria-label=\"{2}\" font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\" "
      "font-size=\"12\">\n",
      spec.width, spec.height, html_escape(spec.title));
  out += fmt::format(
      "<rect x=\"0.5\" y=\"0.5\" width=\"{}\" height=\"{}\" rx=\"6\" fill=\"#ffffff\" "
      "stroke=\"#d8dde3\"/>\n",
      spec.width - 1, spec.height - 1);
  out += fmt::format(
      "<text x=\"14\" y=\"22\" font-size=\"14\" font-weight=\"600\" fill=\"#1f2933\">{}</text>\n",
      html_escape(spec.title));
  return out;
}

std::string legend(const ChartSpec& spec) {
  std::string out;
  double x = kLegendLeft;
  for (const auto& s : spec.series) {
    out += fmt::format(
        "<rect x=\"{:.1f}\" y=\"32\" width=\"14\" height=\"10\" rx=\"2\" fill=\"{}\"/>"
        "<text x=\"{:.1f}\" y=\"41\" fill=\"#3e4c59\">{}</text>\n",
        x, s.color, x + 19, html_escape(s.name));
    x += 19 + kCharWidth * static_cast<double>(s.name.size()) + 18;
  }
  return out;
}

std::string y_axis(const ChartSpec& spec, const Frame& f, const std::vector<double>& ticks) {
  std::string out;
  for (const double t : ticks) {
    const double y = f.y_of(t);
    out += fmt::format(
        "<line x1=\"{0:.1f}\" x2=\"{1:.1f}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#e4e7eb\"/>"
        "<text x=\"{3:.1f}\" y=\"{4:.1f}\" text-anchor=\"end\" fill=\"#52606d\">{5}</text>\n",
        f.left, f.left + f.width, y, f.left - 6, y + 4, html_escape(format_tick(spec, t)));
  }
  out += fmt::format(
      "<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\" stroke=\"#9aa5b1\"/>"
      "<line x1=\"{0:.1f}\" x2=\"{3:.1f}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#9aa5b1\"/>\n",
      f.left, f.top, f.top + f.height, f.left + f.width);
  out += fmt::format(
      "<text transform=\"translate(16 {:.1f}) rotate(-90)\" text-anchor=\"middle\" "
      "fill=\"#52606d\">{}</text>\n",
      f.top + f.height / 2, html_escape(spec.y_label));
  return out;
}

// Label every epoch while they fit, otherwise every k-th.
bool show_x_label(std::size_t index, std::size_t count) {
  const std::size_t every = count <= 15 ? 1 : (count + 11) / 12;
  return index % every == 0 || index + 1 == count;
}

std::string x_label(const Frame& f, double x, int epoch) {
  return fmt::format(
      "<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\" stroke=\"#9aa5b1\"/>"
      "<text x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\" fill=\"#52606d\">{4}</text>\n",
      x, f.top + f.height, f.top + f.height + 4, f.top + f.height + 17, epoch);
}

std::string x_title(const Frame& f) {
  return fmt::format(
      "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" fill=\"#52606d\">epoch</text>\n",
      f.left + f.width / 2, f.top + f.height + 36);
}

std::string no_data(const Frame& f) {
  return fmt::format(
      "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" fill=\"#7b8794\">no data</text>\n",
      f.left + f.width / 2, f.top + f.height / 2);
}

bool has_data(const ChartSpec& spec) {
  return std::any_of(spec.series.begin(), spec.series.end(), [](const ChartSeries& s) {
    return std::any_of(s.values.begin(), s.values.end(), [](double v) { return std::isfinite(v); });
  });
}

}  // namespace

std::vector<double> nice_ticks(double low, double high, int target) {
  if (!(high > low)) high = low + 1.0;
  const double raw = (high - low) / std::max(target, 1);
  const int exponent = static_cast<int>(std::floor(std::log10(raw)));
  const double normalized = raw / std::pow(10.0, exponent);
  const double digit = normalized < 1.5   ? 1.0
                       : normalized < 3.0 ? 2.0
                       : normalized < 7.0 ? 5.0
                                          : 10.0;
  // Tick i is i * digit * 10^exponent; dividing by an exact power of ten for negative exponents
  // gives the correctly rounded decimal (0.6, not 0.6000000000000001).
  const double up = exponent >= 0 ? std::pow(10.0, exponent) : 1.0;
  const double down = exponent < 0 ? std::pow(10.0, -exponent) : 1.0;
  const double step = digit * up / down;
  std::vector<double> ticks;
  const auto first = static_cast<long long>(std::floor(low / step + 1e-9));
  const auto last = static_cast<long long>(std::ceil(high / step - 1e-9));
  for (long long i = first; i <= last && ticks.size() < 64; ++i) {
    ticks.push_back(static_cast<double>(i) * digit * up / down + 0.0);  // + 0.0: no "-0"
  }
  return ticks;
}

std::string line_chart_svg(const ChartSpec& spec) {
  const auto [f, ticks] = frame_for(spec);
  std::string out = open_svg(spec) + legend(spec) + y_axis(spec, f, ticks);
  const std::size_t n = spec.x_values.size();
  if (n == 0 || !has_data(spec)) return out + x_title(f) + no_data(f) + "</svg>\n";
  const double x_min = spec.x_values.front(), x_max = spec.x_values.back();
  const double inset = 12;  // keep the first and last markers off the axes
  const auto x_of = [&](std::size_t i) {
    if (n == 1 || x_max == x_min) return f.left + f.width / 2;
    return f.left + inset + (spec.x_values[i] - x_min) / (x_max - x_min) * (f.width - 2 * inset);
  };
  for (std::size_t i = 0; i < n; ++i) {
    if (show_x_label(i, n)) out += x_label(f, x_of(i), spec.x_values[i]);
  }
  out += x_title(f);
  const double marker_radius = n > 30 ? 2.0 : 3.5;  // dense runs: markers must not hide the line
  for (const auto& s : spec.series) {
    std::string path;
    bool pen_down = false;
    for (std::size_t i = 0; i < std::min(n, s.values.size()); ++i) {
      if (!std::isfinite(s.values[i])) {
        pen_down = false;  // a gap where the value is missing
        continue;
      }
      path += fmt::format("{}{:.1f} {:.1f} ", pen_down ? "L" : "M", x_of(i), f.y_of(s.values[i]));
      pen_down = true;
    }
    out += fmt::format(
        "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\" "
        "stroke-linejoin=\"round\"/>\n",
        path, s.color);
    for (std::size_t i = 0; i < std::min(n, s.values.size()); ++i) {
      if (!std::isfinite(s.values[i])) continue;
      out += fmt::format(
          "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" fill=\"{}\" stroke=\"#ffffff\" "
          "stroke-width=\"{}\"><title>{}</title></circle>\n",
          x_of(i), f.y_of(s.values[i]), marker_radius, s.color, marker_radius > 2 ? 1 : 0,
          html_escape(fmt::format("epoch {}: {} {}", spec.x_values[i], s.name,
                                  format_value(spec, s.values[i]))));
    }
  }
  return out + "</svg>\n";
}

std::string bar_chart_svg(const ChartSpec& spec_in) {
  ChartSpec spec = spec_in;
  spec.y_from_zero = true;
  const auto [f, ticks] = frame_for(spec);
  std::string out = open_svg(spec) + legend(spec) + y_axis(spec, f, ticks);
  const std::size_t n = spec.x_values.size();
  if (n == 0 || !has_data(spec)) return out + x_title(f) + no_data(f) + "</svg>\n";
  const double group = f.width / static_cast<double>(n);
  const double bars = static_cast<double>(std::max<std::size_t>(spec.series.size(), 1));
  const double bar = std::min(group * 0.8 / bars, 48.0);
  for (std::size_t i = 0; i < n; ++i) {
    const double center = f.left + group * (static_cast<double>(i) + 0.5);
    if (show_x_label(i, n)) out += x_label(f, center, spec.x_values[i]);
    for (std::size_t k = 0; k < spec.series.size(); ++k) {
      const auto& s = spec.series[k];
      if (i >= s.values.size() || !std::isfinite(s.values[i])) continue;
      const double x = center - bar * bars / 2 + bar * static_cast<double>(k);
      const double v = std::clamp(s.values[i], f.y_low, f.y_high);
      const double top = f.y_of(std::max(v, 0.0)), bottom = f.y_of(std::min(v, 0.0));
      out += fmt::format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\">"
          "<title>{}</title></rect>\n",
          x + 0.5, top, std::max(bar - 1.0, 1.0), std::max(bottom - top, 0.5), s.color,
          html_escape(fmt::format("epoch {}: {} {}", spec.x_values[i], s.name,
                                  format_value(spec, s.values[i]))));
    }
  }
  return out + x_title(f) + "</svg>\n";
}

}  // namespace hesplit::report
