// summary.json: writing in the key order, and reading back with validation that names the
// file and the offending field.
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "report/atomic_file.hpp"
#include "report/run_summary.hpp"

namespace hesplit::report {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

// Bounds on what a summary may contain, checked before anything is allocated for it.
constexpr std::uintmax_t kMaxSummaryBytes = 64u << 20;
constexpr std::size_t kMaxClasses = 4096;

// JSON has no NaN or infinity; a diverged loss is written as null.
ordered_json real(double value) {
  if (std::isfinite(value)) return value;
  return nullptr;
}

template <typename T>
void put_optional(ordered_json& out, const char* key, const std::optional<T>& value) {
  if (value) out[key] = *value;
}

void put_extra(ordered_json& out, const json& extra, std::string_view what) {
  if (extra.is_null()) return;
  if (!extra.is_object()) {
    throw std::invalid_argument(fmt::format("{}.extra must be a JSON object or null", what));
  }
  for (const auto& [key, value] : extra.items()) {
    if (out.contains(key)) {
      throw std::invalid_argument(
          fmt::format("{}.extra: key \"{}\" clashes with a field of the schema", what, key));
    }
    out[key] = value;
  }
}

ordered_json epoch_to_json(const EpochMetrics& e) {
  ordered_json out;
  out["epoch"] = e.epoch;
  out["train_loss"] = real(e.train_loss);
  out["train_accuracy"] = real(e.train_accuracy);
  out["test_accuracy"] = real(e.test_accuracy);
  out["seconds"] = real(e.seconds);
  out["bytes_client_to_server"] = e.bytes_client_to_server;
  out["bytes_server_to_client"] = e.bytes_server_to_client;
  if (e.test_loss) out["test_loss"] = real(*e.test_loss);
  put_optional(out, "batches", e.batches);
  put_optional(out, "samples", e.samples);
  put_optional(out, "key_switches", e.key_switches);
  put_optional(out, "rotations", e.rotations);
  put_optional(out, "relinearizations", e.relinearizations);
  put_extra(out, e.extra, "EpochMetrics");
  return out;
}

ordered_json ckks_to_json(const CkksInfo& c) {
  ordered_json out;
  out["preset"] = c.preset;
  out["N"] = c.ring_dimension;
  out["moduli_bits"] = c.moduli_bits;
  out["scale"] = c.scale;
  out["security_bits"] = c.security_bits;
  return out;
}

// ---- reading ----

std::string shown(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 40) text.replace(37, std::string::npos, "...");
  return text;
}

// One JSON object under validation; `where` is its path in the document ("", "epochs[2].").
class Fields {
 public:
  Fields(const json& object, std::string where, std::string_view source)
      : object_(object), where_(std::move(where)), source_(source) {}

  [[noreturn]] void fail(std::string_view key, std::string_view problem) const {
    throw SummaryError(fmt::format("{}: {}{}: {}", source_, where_, key, problem));
  }
  [[noreturn]] void wrong(std::string_view key, std::string_view expected, const json& got) const {
    fail(key, fmt::format("expected {}, got {}", expected, shown(got)));
  }
  const json* find(std::string_view key) const {
    const auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
  }
  const json& require(std::string_view key) const {
    const json* value = find(key);
    if (value == nullptr) fail(key, "missing");
    return *value;
  }
  std::string text(std::string_view key) const {
    const json& v = require(key);
    if (!v.is_string()) wrong(key, "a string", v);
    return v.get<std::string>();
  }
  double number(std::string_view key, bool null_is_nan = false) const {
    return number_value(key, require(key), null_is_nan);
  }
  double number_value(std::string_view key, const json& v, bool null_is_nan) const {
    if (null_is_nan && v.is_null()) return std::numeric_limits<double>::quiet_NaN();
    if (!v.is_number()) wrong(key, null_is_nan ? "a number or null" : "a number", v);
    return v.get<double>();
  }
  double fraction(std::string_view key) const {
    const json& v = require(key);
    if (!v.is_number() || v.get<double>() < 0.0 || v.get<double>() > 1.0) {
      wrong(key, "a number in [0, 1] (accuracies are fractions, not percentages)", v);
    }
    return v.get<double>();
  }
  std::uint64_t count(std::string_view key) const { return count_value(key, require(key)); }
  std::uint64_t count_value(std::string_view key, const json& v) const {
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return v.get<std::uint64_t>();
    wrong(key, "a non-negative integer", v);
  }
  int small_int(std::string_view key, int minimum) const {
    const json& v = require(key);
    if (!v.is_number_integer() || v.get<std::int64_t>() < minimum ||
        v.get<std::int64_t>() > std::numeric_limits<int>::max()) {
      wrong(key, fmt::format("an integer >= {}", minimum), v);
    }
    return v.get<int>();
  }
  template <typename T, typename Read>
  std::optional<T> optional(std::string_view key, Read read) const {
    if (find(key) == nullptr) return std::nullopt;
    return read(key);
  }
  std::optional<std::uint64_t> optional_count(std::string_view key) const {
    return optional<std::uint64_t>(key, [this](std::string_view k) { return count(k); });
  }
  // Every key not in `known`, for the round trip.
  json unknown(const std::set<std::string, std::less<>>& known) const {
    json extra = json::object();
    for (const auto& [key, value] : object_.items()) {
      if (!known.contains(key)) extra[key] = value;
    }
    return extra.empty() ? json() : extra;
  }
  std::string_view source() const { return source_; }

 private:
  const json& object_;
  std::string where_;
  std::string_view source_;
};

const std::set<std::string, std::less<>> kEpochKeys = {"epoch",
                                                       "train_loss",
                                                       "train_accuracy",
                                                       "test_accuracy",
                                                       "seconds",
                                                       "bytes_client_to_server",
                                                       "bytes_server_to_client",
                                                       "test_loss",
                                                       "batches",
                                                       "samples",
                                                       "key_switches",
                                                       "rotations",
                                                       "relinearizations"};

const std::set<std::string, std::less<>> kSummaryKeys = {
    "mode",           "seed",          "batch_size",       "dataset",
    "epochs",         "test_accuracy", "confusion_matrix", "class_names",
    "ckks",           "server_layer",  "client_lr",        "server_lr",
    "train_samples",  "test_samples",  "max_batches",      "threads",
    "hesplit_version"};

void require_object(const json& value, std::string_view source, const std::string& where) {
  if (!value.is_object()) {
    throw SummaryError(fmt::format("{}: {}: expected a JSON object, got {}", source,
                                   where.empty() ? "document" : where, shown(value)));
  }
}

EpochMetrics epoch_from_json(const json& value, std::string_view source, std::size_t index) {
  const std::string where = fmt::format("epochs[{}]", index);
  require_object(value, source, where);
  const Fields f(value, fmt::format("{}.", where), source);
  EpochMetrics e;
  e.epoch = f.small_int("epoch", 0);
  e.train_loss = f.number("train_loss", /*null_is_nan=*/true);
  e.train_accuracy = f.fraction("train_accuracy");
  e.test_accuracy = f.fraction("test_accuracy");
  e.seconds = f.number("seconds");
  if (e.seconds < 0.0) f.wrong("seconds", "a non-negative number", f.require("seconds"));
  e.bytes_client_to_server = f.count("bytes_client_to_server");
  e.bytes_server_to_client = f.count("bytes_server_to_client");
  if (const json* v = f.find("test_loss")) e.test_loss = f.number_value("test_loss", *v, true);
  e.batches = f.optional_count("batches");
  e.samples = f.optional_count("samples");
  e.key_switches = f.optional_count("key_switches");
  e.rotations = f.optional_count("rotations");
  e.relinearizations = f.optional_count("relinearizations");
  e.extra = f.unknown(kEpochKeys);
  return e;
}

std::vector<std::vector<std::int64_t>> matrix_from_json(const Fields& f) {
  const json& m = f.require("confusion_matrix");
  if (!m.is_array()) f.wrong("confusion_matrix", "an array of rows", m);
  if (m.size() > kMaxClasses) {
    f.fail("confusion_matrix",
           fmt::format("{} rows, more than the limit of {}", m.size(), kMaxClasses));
  }
  std::vector<std::vector<std::int64_t>> matrix;
  matrix.reserve(m.size());
  for (std::size_t r = 0; r < m.size(); ++r) {
    const std::string key = fmt::format("confusion_matrix[{}]", r);
    const json& row = m[r];
    if (!row.is_array() || row.size() != m.size()) {
      f.wrong(key, fmt::format("a row of {} counts (the matrix is square)", m.size()), row);
    }
    auto& out = matrix.emplace_back();
    out.reserve(row.size());
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::uint64_t n = f.count_value(fmt::format("{}[{}]", key, c), row[c]);
      if (n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        f.wrong(fmt::format("{}[{}]", key, c), "a count that fits in 64 bits", row[c]);
      }
      out.push_back(static_cast<std::int64_t>(n));
    }
  }
  return matrix;
}

std::vector<std::string> class_names_from_json(const Fields& f, std::size_t classes) {
  const json* names = f.find("class_names");
  if (names == nullptr) return {};
  if (!names->is_array()) f.wrong("class_names", "an array of strings", *names);
  if (classes != 0 && names->size() != classes) {
    f.fail("class_names",
           fmt::format("{} names for a {}x{} confusion matrix", names->size(), classes, classes));
  }
  std::vector<std::string> out;
  out.reserve(std::min(names->size(), kMaxClasses));
  for (std::size_t i = 0; i < names->size(); ++i) {
    if (!(*names)[i].is_string()) {
      f.wrong(fmt::format("class_names[{}]", i), "a string", (*names)[i]);
    }
    out.push_back((*names)[i].get<std::string>());
  }
  return out;
}

CkksInfo ckks_from_json(const json& value, std::string_view source) {
  require_object(value, source, "ckks");
  const Fields f(value, "ckks.", source);
  CkksInfo c;
  c.preset = f.text("preset");
  c.ring_dimension = f.count("N");
  const json& bits = f.require("moduli_bits");
  if (!bits.is_array() || bits.size() > 256) f.wrong("moduli_bits", "an array of bit sizes", bits);
  for (std::size_t i = 0; i < bits.size(); ++i) {
    if (!bits[i].is_number_integer() || bits[i].get<std::int64_t>() < 1 ||
        bits[i].get<std::int64_t>() > 64) {
      f.wrong(fmt::format("moduli_bits[{}]", i), "an integer in [1, 64]", bits[i]);
    }
    c.moduli_bits.push_back(bits[i].get<int>());
  }
  c.scale = f.number("scale");
  c.security_bits = f.small_int("security_bits", 0);
  return c;
}

RunSummary summary_from_json(const json& doc, std::string_view source) {
  require_object(doc, source, "");
  const Fields f(doc, "", source);
  RunSummary s;
  s.mode = f.text("mode");
  s.seed = f.count("seed");
  s.batch_size = f.small_int("batch_size", 1);
  s.dataset = f.text("dataset");
  const json& epochs = f.require("epochs");
  if (!epochs.is_array()) f.wrong("epochs", "an array of epoch records", epochs);
  s.epochs.reserve(epochs.size());
  for (std::size_t i = 0; i < epochs.size(); ++i) {
    s.epochs.push_back(epoch_from_json(epochs[i], source, i));
  }
  s.test_accuracy = f.fraction("test_accuracy");
  s.confusion_matrix = matrix_from_json(f);
  s.class_names = class_names_from_json(f, s.confusion_matrix.size());
  if (const json* c = f.find("ckks")) s.ckks = ckks_from_json(*c, source);
  if (f.find("server_layer")) s.server_layer = f.text("server_layer");
  if (f.find("client_lr")) s.client_lr = f.number("client_lr");
  if (f.find("server_lr")) s.server_lr = f.number("server_lr");
  s.train_samples = f.optional_count("train_samples");
  s.test_samples = f.optional_count("test_samples");
  s.max_batches = f.optional_count("max_batches");
  if (f.find("threads")) s.threads = f.small_int("threads", 0);
  if (f.find("hesplit_version")) s.hesplit_version = f.text("hesplit_version");
  s.extra = f.unknown(kSummaryKeys);
  return s;
}

std::string read_bounded(const fs::path& file) {
  std::error_code error;
  const auto status = fs::status(file, error);
  if (error || !fs::exists(status)) {
    throw SummaryError(fmt::format("{}: cannot open: no such file", file.string()));
  }
  if (!fs::is_regular_file(status)) {
    throw SummaryError(fmt::format("{}: cannot open: not a regular file", file.string()));
  }
  const std::uintmax_t size = fs::file_size(file, error);
  if (error) throw SummaryError(fmt::format("{}: cannot stat: {}", file.string(), error.message()));
  if (size > kMaxSummaryBytes) {
    throw SummaryError(fmt::format("{}: {} bytes, larger than the {} byte limit for a summary",
                                   file.string(), size, kMaxSummaryBytes));
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw SummaryError(fmt::format("{}: cannot open for reading", file.string()));
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw SummaryError(fmt::format("{}: read error", file.string()));
  return text;
}

}  // namespace

nlohmann::ordered_json summary_to_json(const RunSummary& s) {
  ordered_json out;
  out["mode"] = s.mode;
  out["seed"] = s.seed;
  out["batch_size"] = s.batch_size;
  out["dataset"] = s.dataset;
  out["epochs"] = ordered_json::array();
  for (const auto& e : s.epochs) out["epochs"].push_back(epoch_to_json(e));
  out["test_accuracy"] = real(s.test_accuracy);
  out["confusion_matrix"] = ordered_json::array();
  for (const auto& row : s.confusion_matrix) out["confusion_matrix"].push_back(row);
  if (!s.class_names.empty()) out["class_names"] = s.class_names;
  if (s.ckks) out["ckks"] = ckks_to_json(*s.ckks);
  put_optional(out, "server_layer", s.server_layer);
  put_optional(out, "client_lr", s.client_lr);
  put_optional(out, "server_lr", s.server_lr);
  put_optional(out, "train_samples", s.train_samples);
  put_optional(out, "test_samples", s.test_samples);
  put_optional(out, "max_batches", s.max_batches);
  put_optional(out, "threads", s.threads);
  put_optional(out, "hesplit_version", s.hesplit_version);
  put_extra(out, s.extra, "RunSummary");
  return out;
}

fs::path write_summary_json(const fs::path& dir, const RunSummary& summary) {
  const fs::path file = dir / kSummaryFileName;
  // Strings that are not valid UTF-8 (a Latin-1 file name, say) get U+FFFD rather than aborting
  // the write of a finished run.
  std::string text = summary_to_json(summary).dump(2, ' ', false, json::error_handler_t::replace);
  text += '\n';
  write_file_atomic(file, text);
  return file;
}

RunSummary summary_from_json_text(std::string_view text, std::string_view source) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    throw SummaryError(fmt::format("{}: not valid JSON (byte {}): {}", source, e.byte, e.what()));
  }
  return summary_from_json(doc, source);
}

RunSummary read_summary_json(const fs::path& file_or_dir) {
  std::error_code ignored;  // an unreadable path is reported by read_bounded
  const fs::path file =
      fs::is_directory(file_or_dir, ignored) ? file_or_dir / kSummaryFileName : file_or_dir;
  return summary_from_json_text(read_bounded(file), file.string());
}

}  // namespace hesplit::report
