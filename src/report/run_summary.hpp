#pragma once
// What one training run produced, and the files a user reads afterwards:
//   RUN_DIR/summary.json  machine-readable record (the schema of issues 4 and 7)
//   RUN_DIR/metrics.csv   one row per epoch, for spreadsheets and pandas
//   RUN_DIR/report.html   a self-contained page (inline SVG and CSS, no scripts, no network)
// Accuracies are fractions in [0, 1] everywhere. All writers replace their file atomically.
// Include as "report/run_summary.hpp" (hesplit_report exports src/ as its include directory).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace hesplit::report {

inline constexpr std::string_view kSummaryFileName = "summary.json";
inline constexpr std::string_view kMetricsFileName = "metrics.csv";
inline constexpr std::string_view kReportFileName = "report.html";

struct EpochMetrics {
  int epoch = 0;                // 1-based
  double train_loss = 0.0;      // mean over the epoch's batches (NaN if training diverged)
  double train_accuracy = 0.0;  // fraction in [0, 1]
  double test_accuracy = 0.0;   // fraction in [0, 1], measured after the epoch
  double seconds = 0.0;         // wall-clock seconds of the training part of the epoch
  std::uint64_t bytes_client_to_server = 0;  // serialized message bytes, 0 for `local`
  std::uint64_t bytes_server_to_client = 0;
  // Optional figures; written to JSON/CSV/HTML only when set.
  std::optional<double> test_loss{};
  std::optional<std::uint64_t> batches{};           // batches trained this epoch
  std::optional<std::uint64_t> samples{};           // training samples seen this epoch
  std::optional<std::uint64_t> key_switches{};      // HE modes: rotations + relinearisations
  std::optional<std::uint64_t> rotations{};         // HE modes
  std::optional<std::uint64_t> relinearizations{};  // HE modes
  // Further per-epoch keys (a JSON object, or null for none); unknown keys land here on reading.
  nlohmann::json extra{};
};

// CKKS parameters of an HE run (issue 7: "ckks": {preset, N, moduli bits, scale, security_bits}).
struct CkksInfo {
  std::string preset{};
  std::uint64_t ring_dimension = 0;  // JSON key "N"
  std::vector<int> moduli_bits{};  // bit sizes of the ciphertext primes, then the special prime(s)
  double scale = 0.0;              // the encoding scale itself (e.g. 2^40), not its log
  int security_bits = 0;
};

struct RunSummary {
  std::string mode{};  // local | plain | paper | sealed
  std::uint64_t seed = 0;
  int batch_size = 0;
  std::string dataset{};  // the dataset file or split name the run used
  std::vector<EpochMetrics> epochs{};
  double test_accuracy = 0.0;  // final, fraction in [0, 1]
  // confusion_matrix[true_class][predicted_class] = count on the test set after the last epoch.
  std::vector<std::vector<std::int64_t>> confusion_matrix{};
  std::vector<std::string> class_names{};  // same order as the matrix rows; may be empty
  // Optional run facts; written only when set.
  std::optional<CkksInfo> ckks{};
  std::optional<std::string> server_layer{};  // sealed: encrypted | frozen
  std::optional<double> client_lr{};
  std::optional<double> server_lr{};
  std::optional<std::uint64_t> train_samples{};
  std::optional<std::uint64_t> test_samples{};
  std::optional<std::uint64_t> max_batches{};
  std::optional<int> threads{};
  std::optional<std::string> hesplit_version{};
  // Any further top-level keys (must be a JSON object, or null for none). On reading, every key the
  // schema does not know lands here, so read -> write keeps it.
  nlohmann::json extra{};
};

// Error reading a run's files; what() names the file and, where it applies, the field (e.g.
// "run/summary.json: epochs[2].train_accuracy: expected a number in [0, 1], got 93.1").
class SummaryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// ---- summary.json ----
// The JSON document, keys in the order of the issue, then the optional ones, then `extra`.
nlohmann::ordered_json summary_to_json(const RunSummary& summary);
// Writes dir/summary.json (creating dir). Returns the path written.
std::filesystem::path write_summary_json(const std::filesystem::path& dir,
                                         const RunSummary& summary);
// Parses and validates; `source` names the input in error messages. Throws SummaryError.
RunSummary summary_from_json_text(std::string_view text, std::string_view source);
// Accepts the summary.json file itself or the run directory holding it. Throws SummaryError.
RunSummary read_summary_json(const std::filesystem::path& file_or_dir);

// ---- metrics.csv ----
// Header, then one row per epoch: epoch,train_loss,train_accuracy,test_accuracy,seconds,
// bytes_client_to_server,bytes_server_to_client, then each optional column that any epoch sets
// (test_loss,batches,samples,key_switches,rotations,relinearizations), empty where unset.
std::string metrics_csv_text(const RunSummary& summary);
std::filesystem::path write_metrics_csv(const std::filesystem::path& dir,
                                        const RunSummary& summary);

// ---- report.html ----
std::string report_html_text(const RunSummary& summary);
std::filesystem::path write_report_html(const std::filesystem::path& dir,
                                        const RunSummary& summary);

// All three files.
void write_run_outputs(const std::filesystem::path& dir, const RunSummary& summary);

}  // namespace hesplit::report
