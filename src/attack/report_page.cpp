// report.html of `hesplit attack`: the numbers of report.json with plots (inline SVG only).
#include <fmt/format.h>

#include "attack/attack_results.hpp"
#include "attack/xy_plot.hpp"
#include "report/html_escape.hpp"

namespace hesplit::attack {

namespace {

const char* const kColors[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9"};

std::string color(std::size_t i) { return kColors[i % std::size(kColors)]; }

std::string number(const nlohmann::json& v) {
  if (v.is_number_float()) return fmt::format("{:.4g}", v.get<double>());
  if (v.is_null()) return "&mdash;";
  if (v.is_string()) return report::html_escape(v.get<std::string>());
  return report::html_escape(v.dump());
}

std::string key_values(const nlohmann::json& object) {
  std::string rows;
  for (const auto& [key, value] : object.items()) {
    if (value.is_object() || value.is_array()) continue;
    rows += fmt::format("<tr><th>{}</th><td>{}</td></tr>", report::html_escape(key), number(value));
  }
  return "<table>" + rows + "</table>\n";
}

XySeries roc_series(const std::string& name, const std::string& c, const RocCurve& r) {
  return {fmt::format("{} (AUC {:.3f})", name, r.auc), c, r.false_positive_rate,
          r.true_positive_rate, false};
}

std::string label_section(const AttackResults& r) {
  std::string html = "<h2>Label leakage</h2>" + key_values(r.json["label_leakage"]);
  if (!r.label_leakage) return html;
  const LabelLeakage& l = *r.label_leakage;
  XyPlot argmin{"ROC: score -G[c], one class vs the rest",
                "false positive rate",
                "true positive rate",
                {},
                true};
  XyPlot scoring{"ROC: Li et al. scoring", "false positive rate", "true positive rate", {}, true};
  for (std::size_t i = 0; i < l.roc_per_class.size(); ++i) {
    const auto c = std::size_t(l.class_of_roc[i]);
    const std::string name = c < r.class_names.size() ? r.class_names[c] : std::to_string(c);
    argmin.series.push_back(roc_series(name, color(i), l.roc_per_class[i]));
    scoring.series.push_back(roc_series("dir " + name, color(i), l.direction_roc_per_class[i]));
  }
  if (!l.norm_roc.false_positive_rate.empty()) {
    XySeries norm = roc_series("norm, abnormal", "#000", l.norm_roc);
    norm.dashed = true;
    scoring.series.push_back(norm);
  }
  return html + "<div class=\"plots\">" + xy_plot_svg(argmin) + xy_plot_svg(scoring) + "</div>\n";
}

std::string inversion_section(const AttackResults& r) {
  std::string html = "<h2>Input reconstruction (inverse network)</h2>";
  const nlohmann::json& j = r.json["inversion"];
  if (!r.inversion) return html + key_values(j);
  std::string rows;
  for (const InversionClass& c : r.inversion->classes) {
    rows += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{:.4g}</td><td>{:.3f} [{:.3f}, "
        "{:.3f}]</td><td>{:.3f}</td></tr>",
        report::html_escape(c.name), c.samples, c.mse, c.pearson, c.pearson_q1, c.pearson_q3,
        c.baseline_pearson);
  }
  html +=
      "<table><tr><th>class</th><th>beats</th><th>MSE</th><th>Pearson median [quartiles]</th>"
      "<th>baseline Pearson (class-mean aux beat)</th></tr>" +
      rows + "</table>\n";
  html += key_values(j["auxiliary"]) + "<div class=\"plots\">";
  for (const InversionClass& c : r.inversion->classes) {
    XyPlot p{fmt::format("class {}: beat with the median Pearson ({:.3f})", c.name, c.pearson),
             "sample",
             "amplitude",
             {},
             false,
             360,
             240};
    XySeries original{"original", "#0072b2", {}, {}, false};
    XySeries rebuilt{"reconstructed", "#d55e00", {}, {}, true};
    for (std::size_t i = 0; i < c.example_original.size(); ++i) {
      original.x.push_back(double(i));
      original.y.push_back(c.example_original[i]);
      rebuilt.x.push_back(double(i));
      rebuilt.y.push_back(c.example_reconstructed[i]);
    }
    p.series = {original, rebuilt};
    html += xy_plot_svg(p);
  }
  return html + "</div>\n";
}

std::string similarity_section(const AttackResults& r) {
  std::string html =
      "<h2>Distance correlation and DTW (Abuadbba et al.)</h2>" + key_values(r.json["dcor_dtw"]);
  if (!r.dcor_dtw) return html;
  const DcorDtw& d = *r.dcor_dtw;
  XyPlot dcor{
      "dCor(beat, most similar channel) per beat", "distance correlation", "share of beats", {}};
  dcor.series = {histogram_series("same beat", "#0072b2", d.best_dcor, 0, 1, 25),
                 histogram_series("other beat (baseline)", "#999", d.best_dcor_baseline, 0, 1, 25)};
  double high = 0;
  for (const double v : d.best_dtw_baseline) high = std::max(high, v);
  for (const double v : d.best_dtw) high = std::max(high, v);
  XyPlot dtw{"DTW(beat, closest channel) per beat, z-scored, per position",
             "DTW distance",
             "share of beats",
             {}};
  dtw.series = {
      histogram_series("same beat", "#0072b2", d.best_dtw, 0, high, 25),
      histogram_series("other beat (baseline)", "#999", d.best_dtw_baseline, 0, high, 25)};
  std::string rows;
  for (std::size_t c = 0; c < d.channels.size(); ++c) {
    const ChannelSimilarity& ch = d.channels[c];
    rows += fmt::format(
        "<tr><td>{}</td><td>{:.3f}</td><td>{:.3f}</td><td>{:.3f}</td><td>{:.3f}</td></tr>", c,
        ch.dcor_median, ch.dcor_baseline_median, ch.dtw_median, ch.dtw_baseline_median);
  }
  return html + "<div class=\"plots\">" + xy_plot_svg(dcor) + xy_plot_svg(dtw) + "</div>" +
         "<table><tr><th>channel</th><th>dCor median</th><th>baseline</th><th>DTW "
         "median</th><th>baseline</th></tr>" +
         rows + "</table>\n";
}

}  // namespace

std::string privacy_report_html(const AttackResults& r) {
  const nlohmann::json& view = r.json["view"];
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>hesplit privacy "
      "report</title>"
      "<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:"
      "collapse;margin:.5em 0}"
      "td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}.plots "
      "svg{margin:4px}</style></head><body>\n";
  html += fmt::format("<h1>Privacy report: {} session</h1>\n", number(view["protocol"]));
  html +=
      "<p>Attacks run from the server's point of view on its recorded view of the session "
      "(docs/privacy.md). The client's dataset is read only to score them.</p>\n";
  html += "<h2>The server's view</h2>" + key_values(view);
  html += label_section(r) + inversion_section(r) + similarity_section(r);
  html += "<h2>Decryption oracle</h2>" + key_values(r.json["decryption_oracle"]);
  html += "<h2>Refresh recovery</h2>" + key_values(r.json["refresh_recovery"]);
  return html + "</body></html>\n";
}

}  // namespace hesplit::attack
