// `hesplit inspect DIR/NNN [--json]`: what a WFDB record holds, signal by signal, and whether its
// samples match the header's checksums. The first thing to run on a new record, hence on records
// nobody has looked at yet: every string taken from the files is printed escaped (text:
// report::terminal_safe; JSON: \u escapes, all ASCII), never as raw terminal control bytes.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "ecg/wfdb_record.hpp"
#include "report/terminal_text.hpp"

namespace hesplit::cli {
namespace {

struct InspectCommand {
  std::string record;
  std::string annotator = "atr";
  bool json = false;
};

struct ChannelFacts {
  std::int32_t min = 0;
  std::int32_t max = 0;
  bool checksum_ok = true;
};

std::string safe(std::string_view text) { return report::terminal_safe(text); }

ChannelFacts channel_facts(const ecg::WfdbRecord& rec, std::size_t s) {
  ChannelFacts f;
  const auto& samples = rec.signals.samples[s];
  if (!samples.empty()) {
    const auto [lo, hi] = std::minmax_element(samples.begin(), samples.end());
    f.min = *lo;
    f.max = *hi;
  }
  f.checksum_ok = rec.signals.checksum_ok(rec.header, s);
  return f;
}

std::map<std::string, std::size_t> counts_by_symbol(const ecg::AnnotationFile& file) {
  std::map<std::string, std::size_t> counts;
  for (const auto& a : file.annotations) ++counts[file.symbol(a)];
  return counts;
}

void print_json(const ecg::WfdbRecord& rec) {
  nlohmann::ordered_json out;
  out["fs"] = rec.header.sampling_frequency;
  out["nsig"] = rec.header.signals.size();
  out["nsamp"] = rec.signals.samples_per_signal;
  out["channels"] = nlohmann::ordered_json::array();
  for (std::size_t s = 0; s < rec.header.signals.size(); ++s) {
    const auto& spec = rec.header.signals[s];
    const ChannelFacts f = channel_facts(rec, s);
    nlohmann::ordered_json c;
    c["fmt"] = spec.format;
    c["gain"] = spec.gain;
    c["baseline"] = spec.baseline;
    c["units"] = spec.units;
    c["description"] = spec.description;
    c["checksum"] = spec.checksum ? nlohmann::ordered_json(*spec.checksum) : nullptr;
    c["checksum_ok"] = f.checksum_ok;
    c["min"] = f.min;
    c["max"] = f.max;
    out["channels"].push_back(c);
  }
  if (rec.annotations) {
    nlohmann::ordered_json by_symbol = nlohmann::ordered_json::object();
    for (const auto& [symbol, count] : counts_by_symbol(*rec.annotations))
      by_symbol[symbol] = count;
    out["annotations"] = {{"count", rec.annotations->annotations.size()}, {"by_symbol", by_symbol}};
  } else {
    out["annotations"] = nullptr;
  }
  // ensure_ascii: control characters, DEL and everything beyond ASCII become \u escapes;
  // replace: bytes that are not UTF-8 become U+FFFD instead of aborting the dump.
  std::cout << out.dump(2, ' ', true, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

std::string duration_text(std::uint64_t samples, double fs) {
  const double seconds = static_cast<double>(samples) / fs;
  const auto minutes = static_cast<long>(seconds / 60);
  return fmt::format("{}:{:06.3f}", minutes, seconds - 60.0 * static_cast<double>(minutes));
}

void print_text(const ecg::WfdbRecord& rec, const std::string& annotator) {
  const auto& h = rec.header;
  std::cout << fmt::format("record {} ({}): {} signals, {} Hz, {} samples per signal ({})\n",
                           safe(h.name), safe((rec.folder / (rec.name + ".hea")).string()),
                           h.signals.size(), h.sampling_frequency, rec.signals.samples_per_signal,
                           duration_text(rec.signals.samples_per_signal, h.sampling_frequency));
  for (std::size_t s = 0; s < h.signals.size(); ++s) {
    const auto& spec = h.signals[s];
    const ChannelFacts f = channel_facts(rec, s);
    std::cout << fmt::format("signal {}: {}\n", s, safe(spec.description));
    std::cout << fmt::format(
        "  file {}, format {}, gain {} adu/{}{}, baseline {}, ADC zero {}, {} bits\n",
        safe(spec.file_name), spec.format, spec.gain, safe(spec.units),
        spec.gain_given ? "" : " (default)", spec.baseline, spec.adc_zero, spec.adc_resolution);
    const std::string checksum =
        spec.checksum ? fmt::format("{} ({})", *spec.checksum,
                                    f.checksum_ok ? "samples match"
                                                  : fmt::format("MISMATCH: samples sum to {}",
                                                                rec.signals.computed_checksums[s]))
                      : std::string("none in the header");
    std::cout << fmt::format("  checksum {}\n", checksum);
    std::cout << fmt::format("  range {} .. {} adu = {:.4f} .. {:.4f} {}\n", f.min, f.max,
                             spec.to_physical(f.min), spec.to_physical(f.max), safe(spec.units));
  }
  if (!rec.annotations) {
    std::cout << fmt::format("annotations: no {}.{} file\n", safe(rec.name), safe(annotator));
    return;
  }
  const auto counts = counts_by_symbol(*rec.annotations);
  std::vector<std::pair<std::string, std::size_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::cout << fmt::format("annotations ({}.{}): {}\n", safe(rec.name), safe(annotator),
                           rec.annotations->annotations.size());
  for (const auto& [symbol, count] : sorted) {
    std::cout << fmt::format("  {:<6} {:>7}\n", fmt::format("'{}'", safe(symbol)), count);
  }
}

}  // namespace

void add_inspect_command(CLI::App& app) {
  auto cmd = std::make_shared<InspectCommand>();
  CLI::App* inspect = app.add_subcommand(
      "inspect",
      "show a WFDB record: header fields per signal, checksum check, sample range, annotations");
  inspect->add_option("record", cmd->record, "record path without extension, e.g. data/mitdb/100")
      ->required();
  inspect->add_option("--annotator", cmd->annotator, "annotation file extension")
      ->capture_default_str();
  inspect->add_flag("--json", cmd->json,
                    "print JSON: {fs, nsig, nsamp, channels: [{fmt, gain, baseline, units, "
                    "description, checksum, checksum_ok, min, max}], annotations: {count, "
                    "by_symbol}}; min/max in adu, checksum and annotations null when absent");
  inspect->callback([cmd] {
    const ecg::WfdbRecord rec = ecg::read_record(cmd->record, cmd->annotator);
    if (cmd->json) {
      print_json(rec);
    } else {
      print_text(rec, cmd->annotator);
    }
  });
}

}  // namespace hesplit::cli
