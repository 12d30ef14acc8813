// metrics.csv: a fixed set of columns, then the optional ones any epoch uses. Numbers are written
// in the shortest form that reads back to the same double.
#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "report/atomic_file.hpp"
#include "report/run_summary.hpp"

namespace hesplit::report {
namespace {

std::string real(double value) {
  if (std::isnan(value)) return "nan";
  return fmt::format("{}", value);
}

struct OptionalColumn {
  const char* name;
  std::function<std::string(const EpochMetrics&)> cell;  // empty string when unset
  std::function<bool(const EpochMetrics&)> is_set;
};

template <typename T>
OptionalColumn column(const char* name, std::optional<T> EpochMetrics::*member) {
  return {name,
          [member](const EpochMetrics& e) {
            const auto& v = e.*member;
            if (!v) return std::string();
            if constexpr (std::is_floating_point_v<T>) return real(*v);
            return fmt::format("{}", *v);
          },
          [member](const EpochMetrics& e) { return (e.*member).has_value(); }};
}

std::vector<OptionalColumn> used_optional_columns(const RunSummary& summary) {
  std::vector<OptionalColumn> all = {column("test_loss", &EpochMetrics::test_loss),
                                     column("batches", &EpochMetrics::batches),
                                     column("samples", &EpochMetrics::samples),
                                     column("key_switches", &EpochMetrics::key_switches),
                                     column("rotations", &EpochMetrics::rotations),
                                     column("relinearizations", &EpochMetrics::relinearizations)};
  std::vector<OptionalColumn> used;
  for (auto& c : all) {
    for (const auto& e : summary.epochs) {
      if (c.is_set(e)) {
        used.push_back(std::move(c));
        break;
      }
    }
  }
  return used;
}

}  // namespace

std::string metrics_csv_text(const RunSummary& summary) {
  const auto optional_columns = used_optional_columns(summary);
  std::string out =
      "epoch,train_loss,train_accuracy,test_accuracy,seconds,bytes_client_to_server,"
      "bytes_server_to_client";
  for (const auto& c : optional_columns) out += fmt::format(",{}", c.name);
  out += '\n';
  for (const auto& e : summary.epochs) {
    out += fmt::format("{},{},{},{},{},{},{}", e.epoch, real(e.train_loss), real(e.train_accuracy),
                       real(e.test_accuracy), real(e.seconds), e.bytes_client_to_server,
                       e.bytes_server_to_client);
    for (const auto& c : optional_columns) {
      out += ',';
      out += c.cell(e);
    }
    out += '\n';
  }
  return out;
}

std::filesystem::path write_metrics_csv(const std::filesystem::path& dir,
                                        const RunSummary& summary) {
  const auto file = dir / kMetricsFileName;
  write_file_atomic(file, metrics_csv_text(summary));
  return file;
}

}  // namespace hesplit::report
