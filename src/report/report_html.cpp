// report.html: one self-contained page.
#include <fmt/format.h>

#include "report/atomic_file.hpp"
#include "report/html_escape.hpp"
#include "report/run_summary.hpp"

namespace hesplit::report {

std::string report_html_text(const RunSummary& summary) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>";
  out += html_escape("hesplit run: " + summary.mode) + "</title></head><body>";
  out += fmt::format("<h1>{}</h1><p>test accuracy {:.2f}%</p>", html_escape(summary.mode),
                     100.0 * summary.test_accuracy);
  out += "</body></html>\n";
  return out;
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
