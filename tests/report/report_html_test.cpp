#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "report/run_summary.hpp"
#include "sample_summary.hpp"
#include "test_data.hpp"

namespace hesplit::report {
namespace {

using testing::minimal_summary;
using testing::sample_summary;

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// A strict little checker for the HTML we generate: every tag closed in order (void elements and
// "/>" excepted), attribute quotes balanced, no raw '<' or '>' in text. Returns "" when fine.
std::string structure_problem(const std::string& html) {
  static const std::set<std::string> kVoid = {"meta", "br", "hr", "img", "input", "link"};
  std::vector<std::string> open;
  std::size_t i = 0;
  while (i < html.size()) {
    const auto lt = html.find('<', i);
    const std::string text = html.substr(i, lt == std::string::npos ? std::string::npos : lt - i);
    if (text.find('>') != std::string::npos) return "raw '>' in text near: " + text.substr(0, 60);
    if (lt == std::string::npos) break;
    const auto gt = html.find('>', lt);
    if (gt == std::string::npos) return "unterminated tag at " + std::to_string(lt);
    const std::string tag = html.substr(lt + 1, gt - lt - 1);
    i = gt + 1;
    if (tag.rfind("!DOCTYPE", 0) == 0) continue;
    if (std::count(tag.begin(), tag.end(), '"') % 2 != 0) return "unbalanced quotes in <" + tag;
    const bool closing = !tag.empty() && tag[0] == '/';
    std::string name;
    for (std::size_t k = closing ? 1 : 0;
         k < tag.size() && std::isalnum(static_cast<unsigned char>(tag[k])); ++k) {
      name += tag[k];
    }
    if (name.empty()) return "bad tag <" + tag + ">";
    if (closing) {
      if (open.empty() || open.back() != name) {
        return "</" + name + "> closes <" + (open.empty() ? "nothing" : open.back()) + ">";
      }
      open.pop_back();
    } else if (tag.back() != '/' && !kVoid.contains(name)) {
      open.push_back(name);
      if (name == "style") {  // raw text up to </style>
        const auto end = html.find("</style>", i);
        if (end == std::string::npos) return "unclosed <style>";
        i = end;
      }
    }
  }
  if (!open.empty()) return "unclosed <" + open.back() + ">";
  return "";
}

TEST(ReportHtml, WellFormedWithChartsAndTables) {
  const std::string html = report_html_text(sample_summary());
  EXPECT_EQ(structure_problem(html), "");
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(count(html, "<svg"), 4u);  // loss, accuracy, seconds, bytes
  EXPECT_EQ(count(html, "</svg>"), 4u);
  EXPECT_GE(count(html, "<table"), 3u);  // confusion matrix, epochs, run facts
  EXPECT_NE(html.find("Loss per epoch"), std::string::npos);
  EXPECT_NE(html.find("Accuracy per epoch"), std::string::npos);
  EXPECT_NE(html.find("Seconds per epoch"), std::string::npos);
  EXPECT_NE(html.find("Bytes per epoch"), std::string::npos);
}

TEST(ReportHtml, SelfContainedNoNetworkNoScripts) {
  const std::string html = report_html_text(sample_summary());
  for (const char* forbidden : {"http", "<script", "src=", "href=", "url(", "@import", "<link",
                                "<img", "<iframe", "<object", "<embed"}) {
    EXPECT_EQ(html.find(forbidden), std::string::npos) << forbidden;
  }
}

TEST(ReportHtml, HeaderShowsRunFacts) {
  const std::string html = report_html_text(sample_summary());
  EXPECT_NE(html.find(">sealed<"), std::string::npos);
  EXPECT_NE(html.find("data/paper_split.h5"), std::string::npos);
  EXPECT_NE(html.find("seed 7"), std::string::npos);
  EXPECT_NE(html.find("batch size 16"), std::string::npos);
  EXPECT_NE(html.find("93.12%"), std::string::npos);  // 12106 / 13000
  EXPECT_NE(html.find("default-128"), std::string::npos);
  EXPECT_NE(html.find("2^40"), std::string::npos);
  // Totals over 10 epochs: 3.100045 GB up, 1.186 GB down, 286.25 s.
  EXPECT_NE(html.find("3.10 GB"), std::string::npos);
  EXPECT_NE(html.find("1.19 GB"), std::string::npos);
  EXPECT_NE(html.find("4 min 46 s"), std::string::npos);
  // The matrix agrees with the recorded accuracy: no warning.
  EXPECT_EQ(html.find("class=\"note warn\""), std::string::npos);
}

TEST(ReportHtml, ConfusionMatrixWithClassNamesAndPerClassFigures) {
  const std::string html = report_html_text(sample_summary());
  for (const char* name : {">N<", ">L<", ">R<", ">A<", ">V<"}) {
    EXPECT_GE(count(html, name), 2u) << name;  // column and row header
  }
  EXPECT_NE(html.find(">2450<"), std::string::npos);
  EXPECT_NE(html.find("true A, predicted V: 165"), std::string::npos);
  // Recall of A: 2320 / 2600 = 89.2%; precision of V: 2396 / 2801 = 85.5%.
  EXPECT_NE(html.find("89.2%"), std::string::npos);
  EXPECT_NE(html.find("85.5%"), std::string::npos);
}

TEST(ReportHtml, EscapesEveryRunSuppliedString) {
  RunSummary s = minimal_summary();
  s.class_names = {"<b>", "a&b"};
  s.mode = "<script>alert(1)</script>";
  s.dataset = "x\" onload=\"evil";
  s.extra = nlohmann::json{{"<k>", "<v>"}};
  const std::string html = report_html_text(s);
  EXPECT_EQ(structure_problem(html), "");
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;"), std::string::npos);
  EXPECT_NE(html.find("a&amp;b"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("\" onload"), std::string::npos);
  EXPECT_NE(html.find("&lt;k&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;v&gt;"), std::string::npos);
}

TEST(ReportHtml, LocalRunHasNoTrafficChartButSaysSo) {
  const std::string html = report_html_text(minimal_summary());
  EXPECT_EQ(structure_problem(html), "");
  EXPECT_EQ(count(html, "<svg"), 3u);
  EXPECT_NE(html.find("No bytes crossed the network"), std::string::npos);
  EXPECT_NE(html.find("class 0"), std::string::npos);  // no class names given
}

TEST(ReportHtml, MismatchBetweenMatrixAndAccuracyIsFlagged) {
  RunSummary s = minimal_summary();
  s.test_accuracy = 0.5;  // the matrix says 0.75
  const std::string html = report_html_text(s);
  EXPECT_NE(html.find("class=\"note warn\""), std::string::npos);
}

TEST(ReportHtml, EmptyRunAndDivergedLossStayReadable) {
  RunSummary empty = minimal_summary();
  empty.epochs.clear();
  empty.confusion_matrix.clear();
  const std::string html = report_html_text(empty);
  EXPECT_EQ(structure_problem(html), "");
  EXPECT_NE(html.find("No epochs were recorded"), std::string::npos);
  EXPECT_NE(html.find("No confusion matrix"), std::string::npos);

  RunSummary diverged = minimal_summary();
  diverged.epochs[1].train_loss = std::nan("");
  const std::string page = report_html_text(diverged);
  EXPECT_EQ(structure_problem(page), "");
  EXPECT_EQ(page.find("\"nan"), std::string::npos);  // no NaN coordinates
}

TEST(ReportHtml, ManyEpochsThinTheAxisLabels) {
  RunSummary s = sample_summary();
  s.epochs.clear();
  for (int i = 1; i <= 60; ++i) {
    EpochMetrics e;
    e.epoch = i;
    e.train_loss = 1.0 / i;
    e.train_accuracy = 1.0 - 0.5 / i;
    e.test_accuracy = 1.0 - 0.6 / i;
    e.seconds = 2.0;
    s.epochs.push_back(e);
  }
  const std::string html = report_html_text(s);
  EXPECT_EQ(structure_problem(html), "");
  // Labels every 6th epoch plus the last, in each of the three charts.
  EXPECT_EQ(count(html, "text-anchor=\"middle\" fill=\"#52606d\">60</text>"), 3u);
  EXPECT_EQ(count(html, "text-anchor=\"middle\" fill=\"#52606d\">2</text>"), 0u);
}

TEST(ReportHtml, WriteRunOutputsWritesAllThreeFiles) {
  const auto dir = test::scratch_dir("run_outputs");
  write_run_outputs(dir, sample_summary());
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"metrics.csv", "report.html", "summary.json"}));
  std::ifstream in(dir / "report.html");
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), report_html_text(sample_summary()));
}

}  // namespace
}  // namespace hesplit::report
