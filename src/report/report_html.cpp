// report.html: one self-contained page (inline CSS and SVG, no scripts, no links, no external
// resources) showing a run at a glance: key figures, curves per epoch, the confusion matrix, time
// and traffic per epoch, and every number in tables. Every string from the run is escaped.
#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "report/atomic_file.hpp"
#include "report/confusion_stats.hpp"
#include "report/format_units.hpp"
#include "report/html_escape.hpp"
#include "report/run_summary.hpp"
#include "report/svg_chart.hpp"

namespace hesplit::report {
namespace {

// Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
constexpr const char* kBlue = "#0072b2";
constexpr const char* kOrange = "#e69f00";
constexpr const char* kVermillion = "#d55e00";
constexpr const char* kGreen = "#009e73";

constexpr const char* kStyle = R"css(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f5f7fa; color: #1f2933;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1140px; margin: 0 auto; padding: 24px 20px 40px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 10px; }
.sub { color: #52606d; margin: 0 0 18px; word-break: break-all; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 10px; background: #0072b2;
  color: #fff; font-size: 13px; font-weight: 600; vertical-align: middle; margin-left: 6px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; }
.card { background: #fff; border: 1px solid #d8dde3; border-radius: 6px; padding: 10px 12px; }
.card .k { color: #616e7c; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .v { font-size: 18px; font-weight: 600; word-break: break-all; }
.card.main .v { font-size: 28px; color: #0b6e4f; }
.charts { display: flex; flex-wrap: wrap; gap: 14px; }
.chart { display: block; max-width: 100%; height: auto; }
table { border-collapse: collapse; background: #fff; border: 1px solid #d8dde3; }
th, td { padding: 5px 10px; border: 1px solid #e4e7eb; text-align: right;
  font-variant-numeric: tabular-nums; }
th { background: #eef2f6; font-weight: 600; }
th.l, td.l { text-align: left; }
tr.total td { font-weight: 600; background: #f8fafc; }
.scroll { overflow-x: auto; }
table.cm td.cell { min-width: 74px; text-align: center; }
table.cm td.cell .n { font-weight: 600; display: block; }
table.cm td.cell .p { font-size: 11px; opacity: .85; }
.note { color: #52606d; font-size: 13px; margin: 6px 0 0; }
.warn { color: #a8071a; }
.facts td.l { color: #52606d; }
footer { margin-top: 32px; color: #7b8794; font-size: 12px; }
)css";

std::string e(std::string_view text) { return html_escape(text); }

std::string card(std::string_view key, std::string_view value, bool main = false) {
  return fmt::format(
      "<div class=\"card{}\"><div class=\"k\">{}</div><div class=\"v\">{}</div></div>\n",
      main ? " main" : "", e(key), e(value));
}

template <typename Get>
double sum_over(const RunSummary& s, Get get) {
  return std::accumulate(s.epochs.begin(), s.epochs.end(), 0.0,
                         [&](double acc, const EpochMetrics& m) { return acc + get(m); });
}

std::string class_name(const RunSummary& s, std::size_t i) {
  return i < s.class_names.size() ? s.class_names[i] : fmt::format("class {}", i);
}

// Axis ticks are round numbers: "350 MB", not "350.0 MB".
std::string format_bytes_tick(double v) {
  std::string text = format_bytes(v);
  const auto dot = text.find('.');
  if (dot == std::string::npos) return text;
  const auto space = text.find(' ', dot);
  auto end = space;
  while (end > dot + 1 && text[end - 1] == '0') --end;
  if (end == dot + 1) end = dot;  // drop the point as well
  return text.erase(end, space - end);
}

std::string percent_label(double v) { return fmt::format("{:.4g}%", 100.0 * v); }
std::string loss_label(double v) { return fmt::format("{:.4g}", v); }

std::string header(const RunSummary& s) {
  std::string out =
      fmt::format("<h1>hesplit run <span class=\"badge\">{}</span></h1>\n", e(s.mode));
  out += fmt::format("<p class=\"sub\">dataset {} &middot; seed {} &middot; batch size {}</p>\n",
                     e(s.dataset), s.seed, s.batch_size);
  const double seconds = sum_over(s, [](const EpochMetrics& m) { return m.seconds; });
  const double up = sum_over(
      s, [](const EpochMetrics& m) { return static_cast<double>(m.bytes_client_to_server); });
  const double down = sum_over(
      s, [](const EpochMetrics& m) { return static_cast<double>(m.bytes_server_to_client); });
  out += "<div class=\"cards\">\n";
  out += card("final test accuracy", format_percent(s.test_accuracy), true);
  out += card("mode", s.mode);
  out += card("batch size", std::to_string(s.batch_size));
  out += card("seed", std::to_string(s.seed));
  out += card("epochs", std::to_string(s.epochs.size()));
  out += card("training time", format_duration(seconds));
  out += card("client \u2192 server", format_bytes(up));
  out += card("server \u2192 client", format_bytes(down));
  return out + "</div>\n";
}

// Everything optional that the run recorded, as a two-column table.
std::string facts(const RunSummary& s) {
  std::vector<std::pair<std::string, std::string>> rows = {{"dataset", s.dataset}};
  if (s.server_layer) rows.emplace_back("server layer", *s.server_layer);
  if (s.client_lr) rows.emplace_back("client learning rate", fmt::format("{:g}", *s.client_lr));
  if (s.server_lr) rows.emplace_back("server learning rate", fmt::format("{:g}", *s.server_lr));
  if (s.train_samples) rows.emplace_back("training samples", std::to_string(*s.train_samples));
  if (s.test_samples) rows.emplace_back("test samples", std::to_string(*s.test_samples));
  if (s.max_batches) rows.emplace_back("max batches per epoch", std::to_string(*s.max_batches));
  if (s.threads) rows.emplace_back("threads", std::to_string(*s.threads));
  if (s.ckks) {
    const auto& c = *s.ckks;
    rows.emplace_back("CKKS preset", c.preset);
    rows.emplace_back("CKKS ring dimension N", std::to_string(c.ring_dimension));
    rows.emplace_back("CKKS moduli bits", fmt::format("{}", fmt::join(c.moduli_bits, ", ")));
    rows.emplace_back("CKKS scale", c.scale > 0 ? fmt::format("2^{:.4g}", std::log2(c.scale))
                                                : fmt::format("{:g}", c.scale));
    rows.emplace_back("security", fmt::format("{} bits", c.security_bits));
  }
  if (s.hesplit_version) rows.emplace_back("hesplit version", *s.hesplit_version);
  if (s.extra.is_object()) {
    for (const auto& [key, value] : s.extra.items()) {
      rows.emplace_back(key,
                        value.is_string()
                            ? value.get<std::string>()
                            : value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
  }
  std::string out = "<h2>Run</h2>\n<table class=\"facts\">\n";
  for (const auto& [key, value] : rows) {
    out +=
        fmt::format("<tr><td class=\"l\">{}</td><td class=\"l\">{}</td></tr>\n", e(key), e(value));
  }
  return out + "</table>\n";
}

std::vector<int> epoch_numbers(const RunSummary& s) {
  std::vector<int> x;
  for (const auto& m : s.epochs) x.push_back(m.epoch);
  return x;
}

template <typename Get>
std::vector<double> column(const RunSummary& s, Get get) {
  std::vector<double> v;
  for (const auto& m : s.epochs) v.push_back(get(m));
  return v;
}

std::string curves(const RunSummary& s) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  ChartSpec loss{.title = "Loss per epoch",
                 .y_label = "cross-entropy",
                 .x_values = epoch_numbers(s),
                 .series = {{"train loss", kBlue,
                             column(s, [](const EpochMetrics& m) { return m.train_loss; })}},
                 .format_value = loss_label};
  const bool has_test_loss =
      std::any_of(s.epochs.begin(), s.epochs.end(),
                  [](const EpochMetrics& m) { return m.test_loss.has_value(); });
  if (has_test_loss) {
    loss.series.push_back({"test loss", kOrange, column(s, [nan](const EpochMetrics& m) {
                             return m.test_loss.value_or(nan);
                           })});
  }
  ChartSpec accuracy{.title = "Accuracy per epoch",
                     .y_label = "accuracy",
                     .x_values = epoch_numbers(s),
                     .series = {{"train accuracy", kBlue,
                                 column(s, [](const EpochMetrics& m) { return m.train_accuracy; })},
                                {"test accuracy", kVermillion,
                                 column(s, [](const EpochMetrics& m) { return m.test_accuracy; })}},
                     .format_value = percent_label,
                     .y_min_limit = 0.0,
                     .y_max_limit = 1.0};
  return fmt::format("<h2>Training curves</h2>\n<div class=\"charts\">\n{}{}</div>\n",
                     line_chart_svg(loss), line_chart_svg(accuracy));
}

std::string cost_charts(const RunSummary& s) {
  ChartSpec seconds{.title = "Seconds per epoch",
                    .y_label = "wall-clock time",
                    .x_values = epoch_numbers(s),
                    .series = {{"training time", kGreen,
                                column(s, [](const EpochMetrics& m) { return m.seconds; })}},
                    .format_value = format_duration,
                    .format_tick = [](double v) { return fmt::format("{:g} s", v); }};
  std::string out =
      "<h2>Time and traffic per epoch</h2>\n<div class=\"charts\">\n" + bar_chart_svg(seconds);
  const bool any_traffic = std::any_of(s.epochs.begin(), s.epochs.end(), [](const EpochMetrics& m) {
    return m.bytes_client_to_server > 0 || m.bytes_server_to_client > 0;
  });
  if (any_traffic) {
    ChartSpec bytes{.title = "Bytes per epoch",
                    .y_label = "serialized message bytes",
                    .x_values = epoch_numbers(s),
                    .series = {{"client \u2192 server", kBlue,
                                column(s,
                                       [](const EpochMetrics& m) {
                                         return static_cast<double>(m.bytes_client_to_server);
                                       })},
                               {"server \u2192 client", kOrange,
                                column(s,
                                       [](const EpochMetrics& m) {
                                         return static_cast<double>(m.bytes_server_to_client);
                                       })}},
                    .format_value = [](double v) { return format_bytes(v); },
                    .format_tick = format_bytes_tick};
    out += bar_chart_svg(bytes);
  }
  out += "</div>\n";
  if (!any_traffic) out += "<p class=\"note\">No bytes crossed the network in this run.</p>\n";
  return out;
}

// Shading by the share of the row: blue on the diagonal (correct), orange off it (errors).
std::string cell_style(double share, bool diagonal) {
  if (!std::isfinite(share) || share <= 0.0) return "background:#ffffff";
  const int to[3] = {diagonal ? 0x1f : 0xc4, diagonal ? 0x5f : 0x4e, diagonal ? 0xa8 : 0x00};
  const double t = std::clamp(diagonal ? share : std::sqrt(share), 0.0, 1.0);
  const auto mix = [t](int target) {
    return static_cast<int>(std::lround(255.0 + (target - 255.0) * t));
  };
  return fmt::format("background:#{:02x}{:02x}{:02x};color:{}", mix(to[0]), mix(to[1]), mix(to[2]),
                     t > 0.5 ? "#ffffff" : "#1f2933");
}

std::string stat_cell(double v) {
  return fmt::format("<td>{}</td>", std::isfinite(v) ? format_percent(v, 1) : "&ndash;");
}

std::string confusion(const RunSummary& s) {
  std::string out = "<h2>Confusion matrix (test set)</h2>\n";
  const auto& m = s.confusion_matrix;
  if (m.empty()) return out + "<p class=\"note\">No confusion matrix was recorded.</p>\n";
  const auto stats = class_stats(m);
  out += "<div class=\"scroll\"><table class=\"cm\">\n<tr><th class=\"l\">true \\ predicted</th>";
  for (std::size_t c = 0; c < m.size(); ++c) out += fmt::format("<th>{}</th>", e(class_name(s, c)));
  out += "<th>support</th><th>recall</th><th>precision</th><th>F1</th></tr>\n";
  for (std::size_t r = 0; r < m.size(); ++r) {
    out += fmt::format("<tr><th class=\"l\">{}</th>", e(class_name(s, r)));
    for (std::size_t c = 0; c < m.size(); ++c) {
      const double share = stats[r].support > 0 ? static_cast<double>(m[r][c]) /
                                                      static_cast<double>(stats[r].support)
                                                : 0.0;
      out += fmt::format(
          "<td class=\"cell\" style=\"{}\" title=\"{}\"><span class=\"n\">{}</span>"
          "<span class=\"p\">{}</span></td>",
          cell_style(share, r == c),
          e(fmt::format("true {}, predicted {}: {}", class_name(s, r), class_name(s, c), m[r][c])),
          m[r][c], stats[r].support > 0 ? format_percent(share, 1) : "");
    }
    out += fmt::format("<td>{}</td>", stats[r].support) + stat_cell(stats[r].recall) +
           stat_cell(stats[r].precision) + stat_cell(stats[r].f1) + "</tr>\n";
  }
  out += "<tr class=\"total\"><td class=\"l\">predicted</td>";
  for (const auto& st : stats) out += fmt::format("<td>{}</td>", st.predicted);
  const auto total =
      std::accumulate(stats.begin(), stats.end(), std::int64_t{0},
                      [](std::int64_t a, const ClassStats& st) { return a + st.support; });
  out += fmt::format("<td>{}</td><td colspan=\"3\"></td></tr>\n</table></div>\n", total);
  out +=
      "<p class=\"note\">Rows: true class; columns: predicted class; the small figure is the "
      "share of the row. Blue shading: correct; orange: errors.</p>\n";
  const double from_matrix = matrix_accuracy(m);
  if (std::isfinite(from_matrix) && std::abs(from_matrix - s.test_accuracy) > 5e-4) {
    out += fmt::format(
        "<p class=\"note warn\">The matrix gives an accuracy of {}, the summary records {}.</p>\n",
        format_percent(from_matrix), format_percent(s.test_accuracy));
  }
  return out;
}

template <typename T>
bool any_set(const RunSummary& s, std::optional<T> EpochMetrics::*member) {
  return std::any_of(s.epochs.begin(), s.epochs.end(),
                     [member](const EpochMetrics& m) { return (m.*member).has_value(); });
}

std::string optional_cell(const std::optional<std::uint64_t>& v) {
  return v ? fmt::format("<td>{}</td>", *v) : "<td></td>";
}

std::string epoch_table(const RunSummary& s) {
  const bool test_loss = any_set(s, &EpochMetrics::test_loss);
  const std::vector<std::pair<const char*, std::optional<std::uint64_t> EpochMetrics::*>> counts = {
      {"batches", &EpochMetrics::batches},
      {"samples", &EpochMetrics::samples},
      {"key switches", &EpochMetrics::key_switches},
      {"rotations", &EpochMetrics::rotations},
      {"relinearizations", &EpochMetrics::relinearizations}};
  std::vector<std::pair<const char*, std::optional<std::uint64_t> EpochMetrics::*>> shown;
  for (const auto& c : counts) {
    if (any_set(s, c.second)) shown.push_back(c);
  }
  std::string out =
      "<h2>Per epoch</h2>\n<div class=\"scroll\"><table>\n<tr><th>epoch</th>"
      "<th>train loss</th><th>train acc</th><th>test acc</th>";
  if (test_loss) out += "<th>test loss</th>";
  out += "<th>seconds</th><th>client \u2192 server</th><th>server \u2192 client</th>";
  for (const auto& c : shown) out += fmt::format("<th>{}</th>", c.first);
  out += "</tr>\n";
  for (const auto& m : s.epochs) {
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>", m.epoch,
                       loss_label(m.train_loss), format_percent(m.train_accuracy),
                       format_percent(m.test_accuracy));
    if (test_loss) out += fmt::format("<td>{}</td>", m.test_loss ? loss_label(*m.test_loss) : "");
    out += fmt::format("<td>{:.2f}</td><td>{}</td><td>{}</td>", m.seconds,
                       format_bytes(static_cast<double>(m.bytes_client_to_server)),
                       format_bytes(static_cast<double>(m.bytes_server_to_client)));
    for (const auto& c : shown) out += optional_cell(m.*(c.second));
    out += "</tr>\n";
  }
  out += fmt::format(
      "<tr class=\"total\"><td class=\"l\" colspan=\"{}\">total</td><td>{:.2f}</td><td>{}</td>"
      "<td>{}</td>",
      test_loss ? 5 : 4, sum_over(s, [](const EpochMetrics& m) { return m.seconds; }),
      format_bytes(sum_over(
          s, [](const EpochMetrics& m) { return static_cast<double>(m.bytes_client_to_server); })),
      format_bytes(sum_over(
          s, [](const EpochMetrics& m) { return static_cast<double>(m.bytes_server_to_client); })));
  for (std::size_t i = 0; i < shown.size(); ++i) out += "<td></td>";
  return out + "</tr>\n</table></div>\n";
}

}  // namespace

std::string report_html_text(const RunSummary& s) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<title>hesplit run: {} ({})</title>\n", e(s.mode), e(s.dataset));
  out += fmt::format("<style>{}</style>\n</head>\n<body>\n<main>\n", kStyle);
  out += header(s);
  if (s.epochs.empty()) {
    out += "<p class=\"note\">No epochs were recorded.</p>\n";
  } else {
    out += curves(s);
  }
  out += confusion(s);
  if (!s.epochs.empty()) out += cost_charts(s);
  if (!s.epochs.empty()) out += epoch_table(s);
  out += facts(s);
  out += fmt::format(
      "<footer>Written by hesplit{}{}. Accuracies are on the test set unless marked "
      "train; bytes are serialized message sizes (1 MB = 10<sup>6</sup> B).</footer>\n",
      s.hesplit_version ? " " : "", s.hesplit_version ? e(*s.hesplit_version) : std::string());
  return out + "</main>\n</body>\n</html>\n";
}

std::filesystem::path write_report_html(const std::filesystem::path& dir,
                                        const RunSummary& summary) {
  const auto file = dir / kReportFileName;
  write_file_atomic(file, report_html_text(summary));
  return file;
}

void write_run_outputs(const std::filesystem::path& dir, const RunSummary& summary) {
  write_summary_json(dir, summary);
  write_metrics_csv(dir, summary);
  write_report_html(dir, summary);
}

}  // namespace hesplit::report
