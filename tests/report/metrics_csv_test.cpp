#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "report/run_summary.hpp"
#include "sample_summary.hpp"
#include "test_data.hpp"

namespace hesplit::report {
namespace {

using testing::minimal_summary;

TEST(MetricsCsv, HeaderAndOneRowPerEpoch) {
  EXPECT_EQ(metrics_csv_text(minimal_summary()),
            "epoch,train_loss,train_accuracy,test_accuracy,seconds,bytes_client_to_server,"
            "bytes_server_to_client\n"
            "1,0.5,0.75,0.625,1.25,0,0\n"
            "2,0.25,0.875,0.75,1.5,0,0\n");
}

TEST(MetricsCsv, DoublesReadBackExactly) {
  RunSummary s = minimal_summary();
  s.epochs[0].train_loss = 0.1 + 0.2;  // 0.30000000000000004
  s.epochs[0].seconds = 1.0 / 3.0;
  const std::string csv = metrics_csv_text(s);
  std::istringstream lines(csv);
  std::string header, row;
  std::getline(lines, header);
  std::getline(lines, row);
  std::istringstream cells(row);
  std::string epoch, loss, train_acc, test_acc, seconds;
  std::getline(cells, epoch, ',');
  std::getline(cells, loss, ',');
  std::getline(cells, train_acc, ',');
  std::getline(cells, test_acc, ',');
  std::getline(cells, seconds, ',');
  EXPECT_EQ(std::stod(loss), 0.1 + 0.2);
  EXPECT_EQ(std::stod(seconds), 1.0 / 3.0);
}

TEST(MetricsCsv, OptionalColumnsWhenAnyEpochSetsThem) {
  RunSummary s = minimal_summary();
  s.epochs[1].key_switches = 8612;
  s.epochs[0].test_loss = 0.75;
  s.epochs[1].train_loss = std::nan("");
  EXPECT_EQ(metrics_csv_text(s),
            "epoch,train_loss,train_accuracy,test_accuracy,seconds,bytes_client_to_server,"
            "bytes_server_to_client,test_loss,key_switches\n"
            "1,0.5,0.75,0.625,1.25,0,0,0.75,\n"
            "2,nan,0.875,0.75,1.5,0,0,,8612\n");
}

TEST(MetricsCsv, WritesTheFileAtomically) {
  const auto dir = test::scratch_dir("metrics_csv");
  const auto s = testing::sample_summary();
  const auto file = write_metrics_csv(dir, s);
  EXPECT_EQ(file, dir / "metrics.csv");
  const std::string text = test::slurp(file);
  EXPECT_EQ(text, metrics_csv_text(s));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir),
                          std::filesystem::directory_iterator()),
            1);
  // 10 epochs + header, each row with the same number of cells as the header.
  std::istringstream lines(text);
  std::string line;
  int rows = 0;
  while (std::getline(lines, line)) {
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), 7) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 11);
}

}  // namespace
}  // namespace hesplit::report
